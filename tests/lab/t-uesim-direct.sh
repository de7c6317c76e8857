# t-uesim-direct — ue-sim against hss-stub alone (no P-CSCF, no IPsec): ue1 and ue2
# register with AKA, ue1 only after a forced SQN resynchronisation (its USIM is ahead of the
# HSS, so the first 401 is answered with AUTS); ue1 sends a MESSAGE to sip:ue2@ims.test and
# gets 200, ue2 prints that it received it; then a call and its hangup, a message to a
# subscriber that is not registered, and de-registration.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 2
ROOT=$(cd "$LAB_TESTS/../.." && pwd)
RUN=$(mktemp -d /tmp/lab-uesim.XXXXXX)
SCSCF="[$SCSCF_CORE6]:5060"
UE_OPTS=(--subscribers "$ROOT/etc/subscribers.example" --scscf "$SCSCF" --mech none)

hss-stub subscriber import --db "$RUN/hss.db" --replace "$ROOT/etc/subscribers.example" >/dev/null
background "$LAB_NS_SCSCF" "$RUN/hss.log" hss-stub run --db "$RUN/hss.db" --listen "$SCSCF" \
	--domain ims.test --log-level info
wait_for_line "$RUN/hss.log" listening

# A background job's stdin is /dev/null, so ue-sim opens the FIFO itself (--steps FILE);
# it is open for writing first, so neither side blocks.
note "ue2 stays up, fed its steps through a FIFO"
mkfifo "$RUN/ue2.in"
exec 3<>"$RUN/ue2.in"
background "$(lab_ue_ns 2)" "$RUN/ue2.out" ue-sim "${UE_OPTS[@]}" --ue ue2 \
	--local "$(lab_ue_addr6 2)" --steps "$RUN/ue2.in"
echo "register expect=200" >&3
wait_for_line "$RUN/ue2.out" "ok register 200"

note "ue1's SQN_MS (0x1000) is above the database's (0x20): the first challenge is stale"
cat >"$RUN/ue1.steps" <<'EOF'
register expect=200
send MESSAGE sip:ue2@ims.test body="hello ue2" expect=200
call sip:ue2@ims.test expect=200
hangup expect=200
send MESSAGE sip:ue3@ims.test expect=4xx
deregister expect=200
EOF
if ! inns "$(lab_ue_ns 1)" ue-sim "${UE_OPTS[@]}" --ue ue1 --sqn-ms 1000 \
	--local "$(lab_ue_addr6 1)" --steps "$RUN/ue1.steps" >"$RUN/ue1.out" 2>&1; then
	cat "$RUN/ue1.out" >&2
	fail "ue1's steps did not all pass"
fi
cat "$RUN/ue1.out"
expect_eq "ue1 step lines" 6 "$(grep -c '^ok ' "$RUN/ue1.out")"
grep -q "^ok register 200 .*AKA resync" "$RUN/ue1.out" || fail "ue1 registered without a resync"
grep -q "resynchronised ue1@ims.test: SQN_MS 1000" "$RUN/hss.log" ||
	fail "hss-stub did not resynchronise ue1: $(grep ue1 "$RUN/hss.log")"

echo "expect in MESSAGE timeout=5" >&3
echo "quit" >&3
wait_for_line "$RUN/ue2.out" "ok quit"
cat "$RUN/ue2.out"
grep -q '^in MESSAGE from sip:ue1@ims.test: hello ue2$' "$RUN/ue2.out" ||
	fail "ue2 did not print the MESSAGE"
grep -q '^in INVITE from sip:ue1@ims.test$' "$RUN/ue2.out" || fail "ue2 did not print the INVITE"
grep -q '^in BYE from sip:ue1@ims.test$' "$RUN/ue2.out" || fail "ue2 did not print the BYE"
grep -q '^ok expect in MESSAGE' "$RUN/ue2.out" || fail "ue2's expect step failed"
exec 3>&-
rm -rf "$RUN"
