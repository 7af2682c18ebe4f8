# SPDX-License-Identifier: MIT
# fish completion for pirscan. Installed to
# $datadir/fish/vendor_completions.d/pirscan.fish.

set -l commands scan check report incidents help version
set -l severities critical high medium low

function __pirscan_cmd_is
    # the command: the first word after pirscan when it is one, else scan
    set -l words (commandline -opc)
    set -l cmd scan
    if test (count $words) -ge 2; and contains -- $words[2] scan check report incidents help version
        set cmd $words[2]
    end
    contains -- $cmd $argv
end

complete -c pirscan -f
complete -c pirscan -n "not __fish_seen_subcommand_from $commands" -a "$commands" -d Command
complete -c pirscan -n "__fish_seen_subcommand_from help" -a "scan check report incidents" -d Command
complete -c pirscan -n "not __fish_seen_subcommand_from help version" -a "(__fish_complete_directories)" -d Repository

# scan options: every command that scans
set -l scans "__pirscan_cmd_is scan check report incidents"
complete -c pirscan -n $scans -l ref -x -a "HEAD (__fish_git_branches 2>/dev/null)" -d "Scan the tree of REF"
complete -c pirscan -n $scans -l all-refs -d "Walk every branch and tag"
complete -c pirscan -n $scans -l no-history -d "Skip the history walk"
complete -c pirscan -n $scans -l as-of -x -d "Ages at this date (YYYY-MM-DD)"
complete -c pirscan -n $scans -l marker -x -d "pcre2 marker pattern"
complete -c pirscan -n $scans -l item-file -r -d "Action-items file name"
complete -c pirscan -n $scans -l max-size -x -d "Skip larger blobs"
complete -c pirscan -n $scans -l threads -x -d "Worker threads"
complete -c pirscan -n $scans -l cache -x -a "(__fish_complete_directories)" -d "Cache folder"
complete -c pirscan -n $scans -l no-cache -d "Neither read nor write the cache"
complete -c pirscan -n $scans -l color -x -a "auto always never" -d "Colour"
complete -c pirscan -n $scans -l config -r -F -d "Configuration file"
complete -c pirscan -n $scans -l no-config -d "No configuration file"
complete -c pirscan -n $scans -l from-json -d "Arguments are shards' JSON output"
complete -c pirscan -n $scans -s q -l quiet -d "No progress or diagnostics"
complete -c pirscan -n $scans -l severity -x -a "$severities" -d "Only this severity"
complete -c pirscan -n $scans -l owner -x -d "Only this owner"
complete -c pirscan -n $scans -l team -x -d "Only this team"
complete -c pirscan -n $scans -l incident -x -d "Only this incident"
complete -c pirscan -n $scans -l repo -x -a "(__fish_complete_directories)" -d "Only this repository"
complete -c pirscan -n $scans -l repos-from -r -F -d "Repositories from FILE, one a line"
complete -c pirscan -n $scans -l no-fetch -d "Scan the mirrors as they are"
complete -c pirscan -n $scans -l shard -x -d "Only the K-th of N slices (K/N)"
complete -c pirscan -n $scans -s h -l help -d "Show help"

# scan
complete -c pirscan -n "__pirscan_cmd_is scan" -l stale -d "Only stale items"
complete -c pirscan -n "__pirscan_cmd_is scan" -l all -d "Closed and resolved items too"
complete -c pirscan -n "__pirscan_cmd_is scan" -l format -x -a "table json csv" -d "Output format"
complete -c pirscan -n "not __fish_seen_subcommand_from $commands" -s V -l version -d "Print the version"

# incidents
complete -c pirscan -n "__pirscan_cmd_is incidents" -l format -x -a "table json csv md" -d "Output format"

# check
complete -c pirscan -n "__pirscan_cmd_is check" -l fail-on -x -a "$severities" -d "Fail at or above"
complete -c pirscan -n "__pirscan_cmd_is check" -l grace -x -d "Days overdue before failing"
complete -c pirscan -n "__pirscan_cmd_is check" -l fail-on-reason -x -a "overdue too-old no-owner no-due unknown-id duplicate-id done-but-marker-remains invalid slipping" -d "Also fail on"
complete -c pirscan -n "__pirscan_cmd_is check" -l warn-within -x -d "Warn about items due within DAYS"
complete -c pirscan -n "__pirscan_cmd_is check" -l no-fail-on-invalid -d "Invalid entries only warn"
complete -c pirscan -n "__pirscan_cmd_is check" -l fail-on-invalid -d "Invalid entries fail (the default)"
complete -c pirscan -n "__pirscan_cmd_is check" -l max-slips -x -d "Slipping after N moves"
complete -c pirscan -n "__pirscan_cmd_is check" -l changed-since -x -a "HEAD (__fish_git_branches 2>/dev/null)" -d "Pull-request mode"
complete -c pirscan -n "__pirscan_cmd_is check" -l format -x -a "table json sarif junit github gitlab" -d "Output format"

# report
complete -c pirscan -n "__pirscan_cmd_is report" -l group-by -x -a "team owner incident severity" -d "One report per"
complete -c pirscan -n "__pirscan_cmd_is report" -l group -x -d "Only this group (repeatable)"
complete -c pirscan -n "__pirscan_cmd_is report" -l format -x -a "text md html email slack teams webhook" -d "Output format"
complete -c pirscan -n "__pirscan_cmd_is report" -l since -x -d "Opened and closed after (YYYY-MM-DD)"
complete -c pirscan -n "__pirscan_cmd_is report" -l warn-within -x -d "Due soon within DAYS"
complete -c pirscan -n "__pirscan_cmd_is report" -l output -x -a "(__fish_complete_directories)" -d "One .eml per group in DIR"
complete -c pirscan -n "__pirscan_cmd_is report" -l from -x -d "Sender address"
complete -c pirscan -n "__pirscan_cmd_is report" -l send -d "Deliver the messages"
complete -c pirscan -n "__pirscan_cmd_is report" -l smtp-url -x -d "smtp://HOST[:PORT] or smtps://"
complete -c pirscan -n "__pirscan_cmd_is report" -l smtp-user -x -d "SMTP login"
complete -c pirscan -n "__pirscan_cmd_is report" -l smtp-insecure -d "Allow smtp:// without STARTTLS"
complete -c pirscan -n "__pirscan_cmd_is report" -l smtp-ca-file -r -F -d "CA certificates (PEM)"
complete -c pirscan -n "__pirscan_cmd_is report" -l smtp-timeout -x -d "Seconds for one message"
complete -c pirscan -n "__pirscan_cmd_is report" -l ca-file -r -F -d "CA certificates for webhooks (PEM)"
complete -c pirscan -n "__pirscan_cmd_is report" -l webhook-timeout -x -d "Seconds for one webhook"
complete -c pirscan -n "__pirscan_cmd_is report" -l sendmail -d "Deliver with sendmail"
