/* SPDX-License-Identifier: MIT */
/* libgit2's global state, counted, with the options pirscan reads objects with. */
#ifndef PIRSCAN_GITINIT_H
#define PIRSCAN_GITINIT_H

/*
 * The first caller initialises libgit2 and sets its options; the last
 * release shuts it down. Thread-safe. Every use of libgit2 is between a
 * pir_git_acquire() and its pir_git_release().
 */
void pir_git_acquire(void);
void pir_git_release(void);

#endif
