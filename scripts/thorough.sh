#!/usr/bin/env bash
# The test suite under the thorough hypothesis profile (10,000 examples per property), one test
# file at a time, timed, resumable.
#
# A full run takes hours (on 2 cores, a file of 40 properties over generated leads takes more than
# an hour), so the run is cut by file: each file's result is appended to a results file as soon as
# it finishes, and a run skips the files already there, so a run that is stopped resumes where it
# left off. Delete the results file to start afresh.
#
# Usage:
#     scripts/thorough.sh [FILE ...]      e.g. scripts/thorough.sh tests/test_serde.py
#
#     FILE    test files to run, in the order given (default: every tests/test_*.py, the core
#             invariants first: serialisation, the model, scoring, stages, learning; the
#             engines and the docs last).
#
# Environment:
#     THOROUGH_RESULTS  the results file (default .thorough/results.tsv, git-ignored): one line
#                       per file, "file<TAB>seconds<TAB>exit status<TAB>pytest's summary line";
#                       two runs may share it (on different files), to use two cores
#     VENV              the virtualenv (default .venv)
#     PYTEST_ARGS       more pytest arguments, e.g. "-n 2" to use two cores (pytest-xdist)
set -euo pipefail

SCRIPT="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SCRIPT")/.."

VENV=${VENV:-.venv}
RESULTS=${THOROUGH_RESULTS:-.thorough/results.tsv}
export LEADKIT_HYPOTHESIS_PROFILE=thorough

FIRST=(
    test_serde test_model test_scoring test_checklist test_qualify test_stages test_stages_stateful
    test_funnel test_config test_pipeline_config test_mapping test_contact test_io test_rules
)
LAST=(test_plot test_frames test_docs test_notebooks)

main() {
    local files=("$@")
    if [ ${#files[@]} -eq 0 ]; then
        for name in "${FIRST[@]}"; do files+=("tests/$name.py"); done
        for path in tests/test_*.py; do
            name=$(basename "$path" .py)
            case " ${FIRST[*]} ${LAST[*]} " in
                *" $name "*) ;;
                *) files+=("$path") ;;
            esac
        done
        for name in "${LAST[@]}"; do files+=("tests/$name.py"); done
    fi
    mkdir -p "$(dirname "$RESULTS")"
    touch "$RESULTS"
    last=$(mktemp) # pytest's output of the file being run (one per run: runs may share RESULTS)
    for file in "${files[@]}"; do
        if [ ! -f "$file" ]; then
            echo "no such test file: $file" >&2
            exit 2
        fi
        if cut -f1 "$RESULTS" | grep -qxF "$file"; then
            echo "== $file: done before, skipped"
            continue
        fi
        echo "== $file ($(date +%H:%M:%S))"
        start=$SECONDS
        status=0
        # shellcheck disable=SC2086 # PYTEST_ARGS is a list of arguments
        "$VENV/bin/python" -m pytest -q -p no:cacheprovider ${PYTEST_ARGS:-} "$file" | tee "$last" || status=$?
        summary=$(tail -n 1 "$last" | tr -d '=' | sed 's/^ *//; s/ *$//')
        printf '%s\t%d\t%d\t%s\n' "$file" $((SECONDS - start)) "$status" "$summary" >>"$RESULTS"
    done
    rm -f "$last"
    echo
    awk -F'\t' '{ total += $2; failed += ($3 != 0); printf "%-36s %7d s  %s\n", $1, $2, $4 }
        END { printf "\n%d file(s), %d s in all, %d with failures\n", NR, total, failed }' "$RESULTS"
}

main "$@"; exit
