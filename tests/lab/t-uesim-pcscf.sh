# t-uesim-pcscf — ue-sim's sec-agree client through pcscfd to hss-stub, with the kernel's
# ESP on both sides:
#   ue2 (TCP) registers with ipsec-3gpp and stays up to receive;
#   ue1 (UDP, addr-pref-length=64) registers, sends a MESSAGE, calls and hangs up, moves to
#   a temporary address and is still served, is refused (494) twice with a tampered
#   Security-Verify, re-registers with a new SA set (hss-stub challenges every REGISTER),
#   de-registers, and holds no SA at the end;
#   ue3 (ipsec-man, /128) moves to a temporary address, which its SAs do not cover: what it
#   sends from there is never answered;
#   ue4 (IPv4) registers once with every alg/ealg pair pcscf.conf allows, and once without
#   sec-agree, which gets 421.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 4
ROOT=$(cd "$LAB_TESTS/../.." && pwd)
RUN=$(mktemp -d /tmp/lab-uesim.XXXXXX)
UE_OPTS=(--subscribers "$ROOT/etc/subscribers.example")
PCSCF6=(--pcscf "[$PCSCF_ACCESS6]:5060")

hss-stub subscriber import --db "$RUN/hss.db" --replace "$ROOT/etc/subscribers.example" >/dev/null
background "$LAB_NS_SCSCF" "$RUN/hss.log" hss-stub run --db "$RUN/hss.db" \
	--listen "[$SCSCF_CORE6]:5060" --listen "$SCSCF_CORE4:5060" --domain ims.test \
	--always-challenge
wait_for_line "$RUN/hss.log" listening
background "$LAB_NS_PCSCF" "$RUN/pcscf.log" pcscfd -d -f "$ROOT/etc/pcscf.conf"
wait_for_line "$RUN/pcscf.log" ready

# ue_run N STEPS-FILE [OPTIONS…] — run ueN's steps to the end; fail with its output if one fails
ue_run() {
	local n=$1 steps=$2
	shift 2
	if ! inns "$(lab_ue_ns "$n")" ue-sim "${UE_OPTS[@]}" --ue "ue$n" "$@" --steps "$steps" \
		>"$RUN/ue$n.out" 2>&1; then
		cat "$RUN/ue$n.out" >&2
		tail -n 20 "$RUN/pcscf.log" >&2
		fail "ue$n: a step failed"
	fi
	sed "s/^/ue$n: /" "$RUN/ue$n.out"
}

note "ue2 registers over TCP and stays up (its steps come through a FIFO)"
mkfifo "$RUN/ue2.in"
exec 3<>"$RUN/ue2.in"
background "$(lab_ue_ns 2)" "$RUN/ue2.out" ue-sim "${UE_OPTS[@]}" --ue ue2 \
	--local "$(lab_ue_addr6 2)" "${PCSCF6[@]}" --steps "$RUN/ue2.in"
echo "register transport=tcp expect=200" >&3
wait_for_line "$RUN/ue2.out" "ok register 200"

note "ue1: a /64 registration, messages, a call, a temporary address, tampering, re-registration"
cat >"$RUN/ue1.steps" <<'EOF'
register prefix=64 expect=200
expect sas 4
send MESSAGE sip:ue2@ims.test body="first" expect=200
call sip:ue2@ims.test expect=200
hangup expect=200
temp-address
send MESSAGE sip:ue2@ims.test body="from a temporary address" expect=200
tamper-verify method=MESSAGE uri=sip:ue2@ims.test expect=494
tamper-verify expect=494
send MESSAGE sip:ue2@ims.test body="still registered" expect=200
reregister expect=200
expect sas 4
send MESSAGE sip:ue2@ims.test body="new SAs" expect=200
deregister expect=200
expect sas 0
EOF
ue_run 1 "$RUN/ue1.steps" --local "$(lab_ue_addr6 1)" "${PCSCF6[@]}"
grep -q "^ok temp-address 2001:db8:1:1:.* (SA pair added" "$RUN/ue1.out" ||
	fail "ue1's temporary address got no SAs"
grep -q "^ok reregister 200 OK (reqid 0x5e510001" "$RUN/ue1.out" ||
	fail "ue1's re-registration did not install a new set"
for text in "first" "from a temporary address" "still registered" "new SAs"; do
	grep -q "^in MESSAGE from sip:ue1@ims.test: $text\$" "$RUN/ue2.out" ||
		fail "ue2 did not receive '$text'"
done
grep -q "^in INVITE from sip:ue1@ims.test" "$RUN/ue2.out" || fail "ue2 got no INVITE"

note "ue3: ipsec-man on /128; a temporary address is outside its SAs"
cat >"$RUN/ue3.steps" <<'EOF'
register mech=ipsec-man expect=200
send MESSAGE sip:ue2@ims.test body="ipsec-man" expect=200
temp-address
send MESSAGE sip:ue2@ims.test body="unprotected" timeout=3 expect=timeout
EOF
ue_run 3 "$RUN/ue3.steps" --local "$(lab_ue_addr6 3)" "${PCSCF6[@]}"
grep -q "^ok temp-address .*outside the set's /128" "$RUN/ue3.out" ||
	fail "ue3's temporary address was not refused SAs"
grep -q "^in MESSAGE from sip:ue3@ims.test: ipsec-man$" "$RUN/ue2.out" ||
	fail "ue2 did not receive ue3's MESSAGE"
if grep -q "unprotected" "$RUN/ue2.out"; then fail "a message from outside the SAs arrived"; fi

note "ue4 (IPv4): every pair pcscf.conf allows, then no sec-agree at all"
: >"$RUN/ue4.steps"
for pair in hmac-sha-1-96:aes-cbc hmac-sha-1-96:null hmac-sha-1-96:des-ede3-cbc \
	hmac-md5-96:aes-cbc hmac-md5-96:null hmac-md5-96:des-ede3-cbc aes-gmac:null null:aes-gcm; do
	cat >>"$RUN/ue4.steps" <<EOF
register alg=${pair%%:*} ealg=${pair##*:} expect=200
send MESSAGE sip:ue2@ims.test body="$pair" expect=200
deregister expect=200
EOF
done
echo "register mech=none expect=421" >>"$RUN/ue4.steps"
ue_run 4 "$RUN/ue4.steps" --local "$(lab_ue_addr4 4)" --pcscf "$PCSCF_ACCESS4:5060"
expect_eq "MESSAGEs ue2 got from ue4" 8 "$(grep -c '^in MESSAGE from sip:ue4@ims.test' "$RUN/ue2.out")"

echo "quit" >&3
wait_for_line "$RUN/ue2.out" "ok quit"
exec 3>&-
expect_eq "ue-sim SAs left in ue1's namespace" "sas=0 policies=0" \
	"$(inns "$(lab_ue_ns 1)" ip xfrm state | grep -c '^src' | sed 's/.*/sas=&/') policies=$(inns "$(lab_ue_ns 1)" ip xfrm policy | grep -c '^src')"
rm -rf "$RUN"
