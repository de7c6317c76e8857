# t-scenarios — every scenario under tests/lab/scenarios/ through the scenario runner
# (./lab scenario FILE): each starts its own topology, and the first unmet expectation
# of any of them fails the test (its transcript and the daemons' log tails are shown).
# A scenario another test runs (a "# run by t-NAME" line) is left to that test, which
# keeps this one within run-tests' time limit.
. "$(dirname "$0")/testlib.sh"
out=$(mktemp -d /tmp/t-scenarios.XXXXXX)
trap 'testlib_cleanup; rm -rf "$out"' EXIT
failed=()
for file in "$LAB_TESTS"/scenarios/*.scn; do
	name=$(basename "$file" .scn)
	if grep -q '^# run by t-' "$file"; then
		note "$name: $(grep -o '^# run by t-.*' "$file")"
		continue
	fi
	start=$SECONDS
	if LAB_SCENARIO_DIR=$out/$name "$LAB_TESTS/scenario" "$LAB_BUILD" "$file" >"$out/$name.txt" 2>&1; then
		note "$name: $(grep -c . "$out/$name.txt") lines, passed in $((SECONDS - start)) s"
	else
		sed "s/^/$name: /" "$out/$name.txt"
		for log in pcscf hss; do tail -n 15 "$out/$name/$log.log" | sed "s/^/$name $log: /"; done
		failed+=("$name")
	fi
done
[ ${#failed[@]} -eq 0 ] || fail "scenarios failed: ${failed[*]}"
