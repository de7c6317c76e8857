# t-uesim-hostile — ue-sim's attacks on pcscfd, against the real kernel on both sides:
#   plaintext   ue1 (registered, with SAs) sends a MESSAGE in clear from its own address to
#               the P-CSCF's protected server port, through a socket its own policies do
#               not encrypt: never answered, never delivered to ue2, and the P-CSCF
#               kernel's guard counts it (XfrmInPolBlock);
#   replay-esp  ue1 captures the ESP packet of one of its MESSAGEs and sends it three more
#               times, byte for byte: the P-CSCF kernel's replay window drops each copy
#               (XfrmInStateSeqError), ue2 gets the message once;
#   forge-via   ue2 answers with a forged top Via (its branch, host or port changed, or
#               an extra Via on top): pcscfd matches no transaction (a changed sent-by is
#               not its Via, RFC 3261 §18.1.2), drops and counts it (drop_no_txn), ue1
#               never sees the 200; honest again, the next MESSAGE gets its 200.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/uesteps.sh"
"$LABNET" up 2
ROOT=$(cd "$LAB_TESTS/../.." && pwd)
RUN=$(mktemp -d /tmp/lab-uesim.XXXXXX)
UE_OPTS=(--subscribers "$ROOT/etc/subscribers.example" --pcscf "[$PCSCF_ACCESS6]:5060")

ims_start "$ROOT/etc/pcscf.conf"
# Both UEs run for the whole test, fed one step at a time (uesteps.sh).
for n in 1 2; do ue_start $n "${UE_OPTS[@]}"; done
# received TEXT — how many times ue2 printed a MESSAGE with TEXT from ue1
received() { grep -c "^in MESSAGE from sip:ue1@ims.test: $1\$" "$RUN/ue2.out" || true; }
# drop_no_txn — pcscfd's counter, logged by its SIP child on SIGUSR1
drop_no_txn() { pcscfd_counter "$PCSCFD" "$RUN/pcscf.log" drop_no_txn; }

step 2 "register expect=200"
step 1 "register expect=200"

note "clear text from ue1's address to the protected port"
block=$(xfrm_stat "$LAB_NS_PCSCF" XfrmInPolBlock)
step 1 'plaintext uri=sip:ue2@ims.test body="in clear" timeout=3 expect=timeout'
expect_ge "XfrmInPolBlock growth in the P-CSCF" 1 $(($(xfrm_stat "$LAB_NS_PCSCF" XfrmInPolBlock) - block))
step 1 'send MESSAGE sip:ue2@ims.test body="protected" expect=200'
expect_eq "clear-text MESSAGEs ue2 got" 0 "$(received "in clear")"
expect_eq "protected MESSAGEs ue2 got" 1 "$(received protected)"

note "a captured ESP packet sent again, three times"
seqerr=$(xfrm_stat "$LAB_NS_PCSCF" XfrmInStateSeqError)
step 1 "capture-esp"
step 1 'send MESSAGE sip:ue2@ims.test body="replayed" expect=200'
step 1 "replay-esp count=3"
step 1 "sleep 1"
grep -q "^ok replay-esp 3 x ESP spi 0x" "$RUN/ue1.out" || fail "replay-esp did not say what it sent"
expect_eq "replays dropped by the P-CSCF kernel (XfrmInStateSeqError)" 3 \
	$(($(xfrm_stat "$LAB_NS_PCSCF" XfrmInStateSeqError) - seqerr))
expect_eq "copies of the replayed MESSAGE ue2 got" 1 "$(received replayed)"

note "answers with a forged top Via"
for mode in branch host port extra-top; do
	drops=$(drop_no_txn)
	step 2 "forge-via $mode"
	step 1 "send MESSAGE sip:ue2@ims.test body=\"forged $mode\" timeout=2 expect=timeout"
	expect_eq "ue2 got the MESSAGE (forge-via $mode)" 1 "$(received "forged $mode")"
	expect_ge "pcscfd's drop_no_txn growth (forge-via $mode)" 1 $(($(drop_no_txn) - drops))
done
step 2 "forge-via off"
step 1 'send MESSAGE sip:ue2@ims.test body="honest again" expect=200'
if grep -q "forged\|f0rged" "$RUN/ue1.out"; then fail "a forged answer reached ue1"; fi

step 1 "deregister expect=200"
step 2 "deregister expect=200"
ue_quit 1
ue_quit 2
rm -rf "$RUN"
