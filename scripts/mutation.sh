#!/usr/bin/env bash
# Mutation testing of leadkit's scoring, stages and learn packages with mutmut 3.
#
# mutmut is a maintainer tool, not a test dependency, so it is in none of the extras: this script
# installs it into the project's virtualenv when it is missing, as
#
#     .venv/bin/pip install 'mutmut>=3.8,<4'
#
# What is mutated and which tests run is configured in pyproject.toml, [tool.mutmut]. mutmut copies
# the package and the tests into mutants/ (git-ignored) and keeps its results there, so a run that
# is stopped resumes where it left off; delete mutants/ to start afresh.
#
# Usage:
#     scripts/mutation.sh [--survivors | --score | --sample N] [MODULE ...]
#
#     MODULE       a file or a package under src/leadkit/{scoring,stages,learn}, e.g.
#                  src/leadkit/scoring/rules.py or src/leadkit/stages. Modules are run one after
#                  another, in the order given; without any, every module of the three packages,
#                  the most central first (rules, conditions, engagement, ... funnels), then the rest.
#     --survivors  re-test the mutants that survived last time (or that no test reached), e.g.
#                  after adding tests; without it, only the mutants not tested yet are run.
#     --score      run nothing; print the score of the results so far.
#     --sample N   run a random sample of N of each module's mutants not tested yet (seeded by
#                  MUTATION_SEED, default 0), all modules in one mutmut run; the score then
#                  includes an estimate over every mutant of the modules, with its 95 % interval.
#
# Environment:
#     MUTMUT_MAX_CHILDREN         worker processes (default 1; every worker runs pytest)
#     LEADKIT_HYPOTHESIS_PROFILE  hypothesis profile (default floor: 20 derandomised examples)
#     VENV                        the virtualenv (default .venv)
#
# The score is killed / (total - no tests - skipped - not checked), over the modules given; timeouts
# (tests running five times longer than unmutated) are counted apart. Survivors that no test can
# kill are listed, with the reason, in scripts/mutation-equivalents.md.
#
# Cost: each mutant runs the tests that reach its function, so a mutant of a function every scorer
# calls runs hundreds of them. On two shared cores a module of 300 mutants can take an hour, and
# the three packages (some 10,000 mutants) far longer: name the modules to run.
set -euo pipefail

SCRIPT="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SCRIPT")/.."

VENV=${VENV:-.venv}
PYTHON="$VENV/bin/python"
MUTMUT="$VENV/bin/mutmut"
MAX_CHILDREN=${MUTMUT_MAX_CHILDREN:-1}
export LEADKIT_HYPOTHESIS_PROFILE=${LEADKIT_HYPOTHESIS_PROFILE:-floor}

PRIORITY=(
    src/leadkit/scoring/rules.py
    src/leadkit/scoring/conditions.py
    src/leadkit/scoring/engagement.py
    src/leadkit/scoring/checklist.py
    src/leadkit/scoring/qualify.py
    src/leadkit/stages/pipeline.py
    src/leadkit/stages/guards.py
    src/leadkit/learn/naive_bayes.py
    src/leadkit/learn/metrics.py
    src/leadkit/learn/funnels.py
)

# The mutants of one module whose last result is in the given statuses (comma-separated, as
# `mutmut results` spells them).
mutant_names() {
    "$MUTMUT" results --all true | "$PYTHON" scripts/mutation_report.py names "$1" "$2"
}

# Everything runs from one function, and the line calling it exits too: bash reads the function
# whole before it starts, so editing this file during a run cannot change what the run does next.
main() {
    mode=new
    modules=()
    sample=""
    expect_sample=false
    for arg in "$@"; do
        if $expect_sample; then
            sample=$arg
            expect_sample=false
            continue
        fi
        case "$arg" in
            --survivors) mode=survivors ;;
            --sample) mode=sample expect_sample=true ;;
            --score) mode=score ;;
            -h | --help)
                sed -n '2,/^set -euo/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//'
                return 0
                ;;
            -*)
                echo "unknown option: $arg" >&2
                exit 2
                ;;
            *) modules+=("${arg%/}") ;;
        esac
    done

    if [ ${#modules[@]} -eq 0 ]; then
        modules=("${PRIORITY[@]}")
        while IFS= read -r path; do
            case " ${PRIORITY[*]} " in
                *" $path "*) ;;
                *) modules+=("$path") ;;
            esac
        done < <(find src/leadkit/scoring src/leadkit/stages src/leadkit/learn -name '*.py' ! -name '__init__.py' | sort)
    fi

    # src/leadkit/scoring/rules.py -> leadkit.scoring.rules, the prefix of its mutants' names.
    prefixes=()
    for module in "${modules[@]}"; do
        case "$module" in
            src/leadkit/scoring* | src/leadkit/stages* | src/leadkit/learn*) ;;
            *)
                echo "not a module of scoring, stages or learn: $module" >&2
                exit 2
                ;;
        esac
        if [ ! -e "$module" ]; then
            echo "no such file or directory: $module" >&2
            exit 2
        fi
        prefix=${module#src/}
        prefix=${prefix%.py}
        prefixes+=("${prefix//\//.}")
    done

    if [ ! -x "$MUTMUT" ]; then
        "$VENV/bin/pip" install --quiet 'mutmut>=3.8,<4'
    fi

    if [ "$mode" = sample ] && ! [[ "$sample" =~ ^[1-9][0-9]*$ ]]; then
        echo "--sample needs a positive number of mutants per module" >&2
        exit 2
    fi

    start=$SECONDS
    if [ "$mode" = sample ]; then
        # The sample is drawn from mutmut's list of mutants, which is up to date once mutmut has
        # (re)generated the mutants of modules changed since the last run: a run for a mutant name
        # that matches nothing does that (and collects the tests' coverage), then stops.
        echo "== generating mutants ($(date +%H:%M:%S))"
        "$MUTMUT" run --max-children "$MAX_CHILDREN" "leadkit.no_such_mutant" >/dev/null 2>&1 || true
        names=()
        for prefix in "${prefixes[@]}"; do
            mapfile -t -O "${#names[@]}" names < <(
                "$MUTMUT" results --all true | "$PYTHON" scripts/mutation_report.py names "$prefix" "not checked" \
                    --sample "$sample" --seed "${MUTATION_SEED:-0}"
            )
        done
        if [ ${#names[@]} -eq 0 ]; then
            echo "== nothing to run"
        else
            echo "== a sample of ${#names[@]} mutant(s) over ${#modules[@]} module(s) ($(date +%H:%M:%S))"
            "$MUTMUT" run --max-children "$MAX_CHILDREN" "${names[@]}"
        fi
    elif [ "$mode" = survivors ]; then
        # One mutmut run for all the modules' survivors: each run first runs the tests unmutated.
        names=()
        for prefix in "${prefixes[@]}"; do
            mapfile -t -O "${#names[@]}" names < <(mutant_names "$prefix" "survived,no tests,suspicious,segfault")
        done
        if [ ${#names[@]} -eq 0 ]; then
            echo "== no survivors to re-test"
        else
            echo "== ${#names[@]} survivor(s) over ${#modules[@]} module(s) ($(date +%H:%M:%S))"
            "$MUTMUT" run --max-children "$MAX_CHILDREN" "${names[@]}"
        fi
    elif [ "$mode" != score ]; then
        for i in "${!modules[@]}"; do
            module=${modules[$i]}
            prefix=${prefixes[$i]}
            if [ -e "mutants/$module.meta" ] || [ -d "mutants/$module" ]; then
                mapfile -t names < <(mutant_names "$prefix" "not checked")
            else
                names=("$prefix.*") # not generated yet: none of them is checked
            fi
            if [ ${#names[@]} -eq 0 ]; then
                echo "== $module: nothing to run"
                continue
            fi
            if [ "${names[0]}" = "$prefix.*" ]; then
                echo "== $module: every mutant ($(date +%H:%M:%S))"
            else
                echo "== $module: ${#names[@]} mutant(s) ($(date +%H:%M:%S))"
            fi
            "$MUTMUT" run --max-children "$MAX_CHILDREN" "${names[@]}"
        done
    fi

    echo
    "$MUTMUT" results --all true | "$PYTHON" scripts/mutation_report.py score "${prefixes[@]}"
    elapsed=$((SECONDS - start))
    printf 'run time: %dh %02dm %02ds\n' $((elapsed / 3600)) $((elapsed % 3600 / 60)) $((elapsed % 60))
}

main "$@"; exit
