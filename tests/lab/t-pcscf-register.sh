# t-pcscf-register — pcscfd between ue-sim UEs and hss-stub, against the real kernel: ue1
# registers with addr-pref-length=64 (ipsec-3gpp) and ue2 with 128 (ipsec-man), both over
# sec-agree and the SA sets pcscfd installs; ue1's MESSAGE reaches ue2 through the P-CSCF
# and the S-CSCF and is answered 200; the P-CSCF's kernel holds 8 SAs with the UEs'
# prefixes as selectors; a clear-text request with ue1's address on a protected port is
# dropped by the guard; de-registration leaves no SA and only the guard policies; SIGTERM
# stops pcscfd (parent and child) with status 0.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 2

work=$(mktemp -d /tmp/t-pcscf-register.XXXXXX)
chmod 755 "$work"
trap 'exec 7>&- 8>&- 2>/dev/null; testlib_cleanup; rm -rf "$work"' EXIT
subscribers=$LAB_TESTS/../../etc/subscribers.example
UE1=$(lab_ue_addr6 1) UE2=$(lab_ue_addr6 2)

hss-stub subscriber import --db "$work/hss.db" --replace "$subscribers" >/dev/null
background "$LAB_NS_SCSCF" "$work/hss.log" hss-stub run --db "$work/hss.db" \
	--listen "$SCSCF_CORE6" --listen "$SCSCF_CORE4"
wait_for_line "$work/hss.log" "listening on tcp $SCSCF_CORE4:5060"
background "$LAB_NS_PCSCF" "$work/pcscf.log" pcscfd -d -f "$LAB_TESTS/../../etc/pcscf.conf" -l debug
PCSCF_PID=$LAST_PID
wait_for_line "$work/pcscf.log" "pcscfd: ready"
expect_eq "objects before any registration (the guard)" "sas=0 policies=8" "$(xfrm_count "$LAB_NS_PCSCF")"

# ue NAME FD MECH — one ue-sim for ueNAME in its namespace, fed its steps through fd FD
ue() {
	mkfifo "$work/$1.steps"
	background "$(lab_ue_ns "${1#ue}")" "$work/$1.out" ue-sim --pcscf "[$PCSCF_ACCESS6]:5060" \
		--subscribers "$subscribers" --mech "$3" --ue "$1" \
		--local "$(lab_ue_addr6 "${1#ue}")" --steps "$work/$1.steps"
	eval "exec $2>\"$work/$1.steps\""
}

# step FD OUT TEXT LINE — send a step, then wait (up to 20 s) for LINE in OUT; FAIL ends it
step() {
	local try
	[ -z "$3" ] || echo "$3" >&"$1"
	for try in $(seq 200); do
		grep -q -- "^$4" "$work/$2" && { note "$2: $(grep -- "^$4" "$work/$2" | tail -n 1)"; return 0; }
		grep -q "^FAIL" "$work/$2" && fail "$2: $(grep '^FAIL' "$work/$2")"
		sleep 0.1
	done
	fail "$2: no '$4' after '$3' (log: $(tail -n 3 "$work/$2" | tr '\n' ' '))"
}

ue ue1 7 ipsec-3gpp
ue ue2 8 ipsec-man
step 8 ue2.out "register prefix=128 expect=200" "ok register"
step 7 ue1.out "register prefix=64 expect=200" "ok register"
echo "expect in MESSAGE timeout=20" >&8
step 7 ue1.out "send MESSAGE sip:ue2@ims.test body=hello expect=200" "ok send"
step 8 ue2.out "" "ok expect in MESSAGE"

sas=$(inns "$LAB_NS_PCSCF" ip xfrm state)
expect_eq "SAs in the P-CSCF" 8 "$(grep -c '^src' <<<"$sas")"
expect_eq "SAs whose selector is ue1's /64" 4 "$(grep -c "sel src $(lab_ue_prefix6 1)/64\|dst $(lab_ue_prefix6 1)/64" <<<"$sas")"
expect_eq "SAs whose selector is ue2's /128" 4 "$(grep -c "sel src $UE2/128\|dst $UE2/128" <<<"$sas")"
grep -q "registered sip:ue1@ims.test at $UE1/64" "$work/pcscf.log" || fail "no registration of ue1 in the log"
grep -q "registered sip:ue2@ims.test at $UE2/128" "$work/pcscf.log" || fail "no registration of ue2 in the log"

# Clear text to port-s with ue1's own address and port-c: the kernel drops it before pcscfd
# sees it (the set's policy wants ESP: XfrmInTmplMismatch; from elsewhere: the guard's
# XfrmInPolBlock).
drops() {
	echo $(($(xfrm_stat "$LAB_NS_PCSCF" XfrmInTmplMismatch) + $(xfrm_stat "$LAB_NS_PCSCF" XfrmInPolBlock)))
}
before=$(drops)
inns "$LAB_NS_ATTACKER" labtool udp-send -f -s "$UE1" -p 6100 "$PCSCF_ACCESS6" 5064 \
	"$(printf 'MESSAGE sip:ue2@ims.test SIP/2.0\r\n\r\n')" 3 || true
inns "$LAB_NS_ATTACKER" labtool udp-send -f -s "$UE1" -p 7000 "$PCSCF_ACCESS6" 5064 \
	"$(printf 'MESSAGE sip:ue2@ims.test SIP/2.0\r\n\r\n')" 3 || true
sleep 0.5
expect_ge "clear-text packets dropped on port-s" 6 $(($(drops) - before))

step 7 ue1.out "deregister expect=200" "ok deregister"
step 8 ue2.out "deregister expect=200" "ok deregister"
expect_eq "SAs after de-registration" 0 "$(inns "$LAB_NS_PCSCF" ip xfrm state | grep -c '^src' || true)"
expect_eq "objects after de-registration (the guard)" "sas=0 policies=8" "$(xfrm_count "$LAB_NS_PCSCF")"
echo quit >&7
echo quit >&8

kill -TERM "$PCSCF_PID"
wait "$PCSCF_PID" || fail "pcscfd exited with status $? on SIGTERM"
grep -q "deleting every SA set and exiting" "$work/pcscf.log" || fail "no shutdown line in pcscfd's log"
if grep -Eq "(ck|ik)=\"?[0-9a-fA-F]{32}" "$work/pcscf.log"; then fail "keys in pcscfd's log"; fi
note "pcscfd stopped on SIGTERM; no key in its log"
