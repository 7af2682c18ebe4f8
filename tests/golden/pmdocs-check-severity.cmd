check --config pmdocs-severity.yml --fail-on critical --as-of 2026-07-02 --incident INC-3000 --incident 2026-05-24-payments --incident INC-2891 pmdocs
