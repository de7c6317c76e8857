# t-xfrm-atomic — all or nothing, and ownership: an install that fails half-way (an SPI
# that exists) leaves none of its objects; delete leaves none; reconcile repairs what was
# changed behind the manager's back; another daemon's SA and policy are never touched.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
NS=$LAB_NS_PCSCF
UE_ADDR=$(lab_ue_addr6 1)
KEYS='auth-trunc hmac(sha1) 0x0011223344556677889900112233445566778899 96 enc cbc(aes) 0x00112233445566778899aabbccddeeff'

note "another daemon's SA holds the SPI of the set's third SA (towards the UE, spi 0x3001)"
inns "$NS" ip xfrm state add src "$PCSCF_ACCESS6" dst "$UE_ADDR" proto esp spi 0x3001 reqid 7 mode transport $KEYS
inns "$NS" ip xfrm policy add src 2001:db8:9::/64 dst "$PCSCF_ACCESS6" dir in priority 100 \
	tmpl proto esp reqid 7 mode transport
if inns "$NS" xfrmtool install --role pcscf $(xfrm_set_opts 64) 2>/tmp/lab-err.$$; then
	fail "install over an existing SPI succeeded"
fi
note "error: $(cat /tmp/lab-err.$$)"
grep -q "step 3 of 8: add SA dst $UE_ADDR spi 0x00003001 esp: File exists" /tmp/lab-err.$$ ||
	fail "the error does not name the failed step"
expect_eq "our objects after the failed install" "sas=0 policies=0" "$(xfrm_count "$NS")"
expect_eq "the other daemon's SA" 1 "$(inns "$NS" ip xfrm state list spi 0x3001 | grep -c 'reqid 7 ')"
inns "$NS" ip xfrm state delete src "$PCSCF_ACCESS6" dst "$UE_ADDR" proto esp spi 0x3001

note "install, then delete"
inns "$NS" xfrmtool install --role pcscf $(xfrm_set_opts 64) >/dev/null
expect_eq "our objects after install" "sas=4 policies=4" "$(xfrm_count "$NS")"
inns "$NS" xfrmtool delete --role pcscf $(xfrm_set_opts 64) --reqid 0x50c50000
expect_eq "our objects after delete" "sas=0 policies=0" "$(xfrm_count "$NS")"

note "reconcile: one SA and one policy removed behind our back, an orphan of ours added"
inns "$NS" xfrmtool install --role pcscf $(xfrm_set_opts 64) >/dev/null
inns "$NS" ip xfrm state delete src :: dst "$PCSCF_ACCESS6" proto esp spi 0x4001
inns "$NS" ip xfrm policy delete src "$(lab_ue_prefix6 1)/64" dst "$PCSCF_ACCESS6/128" \
	proto 0 sport $XT_UE_PORT_C dport $XT_PCSCF_PORT_S dir in
inns "$NS" ip xfrm state add src "$PCSCF_ACCESS6" dst 2001:db8:1:2::1 proto esp spi 0x5000 \
	reqid 0x50c5ffff mode transport $KEYS
report=$(inns "$NS" xfrmtool reconcile --role pcscf $(xfrm_set_opts 64) --reqid 0x50c50000)
expect_eq "reconcile report" "sas_added=1 sas_removed=1 policies_added=1 policies_removed=0" "$report"
expect_eq "our objects after reconcile" "sas=4 policies=4" "$(xfrm_count "$NS")"
report=$(inns "$NS" xfrmtool reconcile --role pcscf $(xfrm_set_opts 64) --reqid 0x50c50000)
expect_eq "a second reconcile" "sas_added=0 sas_removed=0 policies_added=0 policies_removed=0" "$report"
note "the repaired set carries traffic"
inns "$(lab_ue_ns 1)" xfrmtool install --role ue $(xfrm_set_opts 64) >/dev/null
udp_expect "$(lab_ue_ns 1)" "$UE_ADDR" $XT_UE_PORT_C "$NS" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 3

note "flush removes all of ours and nothing else"
inns "$NS" xfrmtool flush
expect_eq "our objects after flush" "sas=0 policies=0" "$(xfrm_count "$NS")"
expect_eq "the other daemon's policy" 1 "$(inns "$NS" ip xfrm policy list dir in | grep -c 'reqid 7 ')"
rm -f /tmp/lab-err.$$
