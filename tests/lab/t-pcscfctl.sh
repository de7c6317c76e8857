# t-pcscfctl — pcscfctl against a running pcscfd: every command's JSON is valid JSON and
# its tables print; keys export --wireshark lets tshark read the protected hop (a capture
# of the access network during ue1's registration and MESSAGE shows no protected SIP
# without keys, and with the exported esp_sa table tshark decrypts the protected REGISTER
# and the MESSAGE); the export is root-only and the file 0600; deregister removes the
# registration and its SAs.
. "$(dirname "$0")/testlib.sh"
. "$LAB_TESTS/pcscflib.sh"
ROOT=$LAB_TESTS/../..
"$LABNET" up 1
pcscflib_work t-pcscfctl
subscribers=$ROOT/etc/subscribers.example
pcscflib_hss "$work"
background "$LAB_NS_PCSCF" "$work/pcscf.log" pcscfd -d -f "$ROOT/etc/pcscf.conf"
wait_for_line "$work/pcscf.log" "pcscfd: ready" || fail "pcscfd did not start"
background "$LAB_NS_PCSCF" "$work/tcpdump.log" tcpdump -n -U -i access0 -w "$work/access.pcap" esp or udp
wait_for_line "$work/tcpdump.log" "listening on" || fail "tcpdump did not start"

mkfifo "$work/ue1.steps"
background "$(lab_ue_ns 1)" "$work/ue1.out" ue-sim --pcscf "[$PCSCF_ACCESS6]:5060" \
	--subscribers "$subscribers" --ue ue1 --local "$(lab_ue_addr6 1)" --steps "$work/ue1.steps"
exec 7>"$work/ue1.steps"
echo "register prefix=64 alg=hmac-sha-1-96 ealg=aes-cbc expect=200" >&7
echo "send MESSAGE sip:ue1@ims.test body=wireshark-can-read-this expect=200" >&7
for try in $(seq 300); do
	[ "$(grep -c '^ok\|^FAIL' "$work/ue1.out")" -ge 2 ] && break
	sleep 0.1
done
grep -q '^FAIL' "$work/ue1.out" && fail "ue1: $(grep '^FAIL' "$work/ue1.out")"
note "ue1: $(grep '^ok' "$work/ue1.out" | tr '\n' ' ')"
sleep 1
kill -INT "${TESTLIB_PIDS[2]}" 2>/dev/null
sleep 1

# The export: root only, a 0600 file.
inns "$LAB_NS_PCSCF" pcscfctl keys export --wireshark "$work/esp_sa" || fail "keys export failed"
expect_eq "mode of the exported file" 600 "$(stat -c %a "$work/esp_sa")"
rc=0
inns "$LAB_NS_PCSCF" setpriv --reuid nobody --regid nogroup --clear-groups \
	pcscfctl keys export --wireshark /tmp/nobody-esp_sa 2>"$work/nobody.err" || rc=$?
[ "$rc" -ne 0 ] || fail "a non-root user exported keys"
note "a non-root user: exit $rc ($(head -n 1 "$work/nobody.err"))"
expect_eq "ESP SAs in the export" 4 "$(grep -c '^"IPv6"' "$work/esp_sa")"

tshark_sip() { # tshark_sip CONFIG_HOME — the SIP request lines tshark finds in the capture
	XDG_CONFIG_HOME=$1 HOME=$1 tshark -n -r "$work/access.pcap" \
		-o esp.enable_encryption_decode:TRUE --enable-heuristic sip_udp \
		-Y 'sip.Request-Line' -T fields -e sip.Request-Line 2>"$work/tshark.err"
}
mkdir -p "$work/nokeys/wireshark" "$work/keys/wireshark"
cp "$work/esp_sa" "$work/keys/wireshark/esp_sa"
without=$(tshark_sip "$work/nokeys")
grep -q '^MESSAGE' <<<"$without" && fail "tshark read the MESSAGE without keys"
expect_eq "ESP packets in the capture" yes \
	"$(tshark -n -r "$work/access.pcap" -Y esp 2>/dev/null | grep -q ESP && echo yes || echo no)"
with=$(tshark_sip "$work/keys")
note "tshark with the keys: $(tr '\n' '|' <<<"$with")"
grep -q '^MESSAGE sip:ue1@ims.test' <<<"$with" || fail "tshark did not decrypt the MESSAGE ($(head -n 3 "$work/tshark.err"))"
[ "$(grep -c '^REGISTER' <<<"$with")" -ge 2 ] || fail "tshark did not decrypt the protected REGISTER"
note "tshark decrypts the protected REGISTER and the MESSAGE with the exported keys"

# Every command, as a table and as JSON.
ctl() { inns "$LAB_NS_PCSCF" pcscfctl "$@"; }
for cmd in "status" "registrations" "registrations --impu sip:ue1@ims.test" \
	"registration show sip:ue1@ims.test" "registration show $(lab_ue_addr6 1)" "sa list" \
	"sa flush --orphans"; do
	ctl $cmd >"$work/table" || fail "pcscfctl $cmd failed"
	ctl --json $cmd | python3 -m json.tool >/dev/null || fail "pcscfctl --json $cmd is not valid JSON"
done
note "every command prints a table and valid JSON"
ctl registration show sip:ue1@ims.test | grep -q "0x[0-9a-f]* current sip:ue1@ims.test" ||
	fail "registration show lists no SA with counters"
expect_eq "registrations of ue1 (--impu)" 1 "$(ctl --json registrations --impu sip:ue1@ims.test | grep -c '"impu"')"
expect_eq "packets counted on ue1's SAs" yes "$(ctl --json registration show sip:ue1@ims.test |
	python3 -c 'import json,sys; r=json.load(sys.stdin); print("yes" if sum(s["packets"] for t in r["sets"] for s in t["sas"]) > 0 else "no")')"
rc=0
ctl registration show sip:nobody@ims.test 2>/dev/null || rc=$?
expect_eq "exit status for an unknown registration" 1 "$rc"
rc=0
ctl log-level loud 2>/dev/null || rc=$?
expect_eq "exit status for a bad log level" 2 "$rc"
ctl log-level debug >/dev/null || fail "log-level debug failed"
ctl config check >/dev/null 2>&1 && fail "config check accepted a missing file"
ctl -f "$ROOT/etc/pcscf.conf" config check | grep -q "configuration OK" || fail "config check"
grep -q "ue1@ims.test: registered" "$work/hss.log" || fail "hss-stub never had ue1's binding"
ctl --json deregister sip:ue1@ims.test >"$work/dereg.json" || fail "deregister failed"
expect_eq "deregister's reply" "1 1 ue1@ims.test True" "$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); r = d["registrations"][0]
print(d["deregistered"], d["scscf_told"], r["impi"], r["scscf_told"])' "$work/dereg.json")"
expect_eq "registrations after deregister" 0 "$(ctl --json registrations | grep -c '"impu"' || true)"
expect_eq "pcscfd's SAs after deregister" "sas=0" "$(xfrm_count "$LAB_NS_PCSCF" | cut -d' ' -f1)"
# The S-CSCF was told: hss-stub drops the binding on the de-REGISTER, and pcscfd logs its 200.
wait_for_line "$work/hss.log" "ue1@ims.test: binding of sip:.* removed, 0 left"
wait_for_line "$work/pcscf.log" "the S-CSCF de-registered sip:ue1@ims.test: 200"
note "deregister: SAs gone, hss-stub dropped ue1's binding ($(grep -o 'binding of .*' "$work/hss.log"))"
