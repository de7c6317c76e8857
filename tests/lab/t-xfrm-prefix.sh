# t-xfrm-prefix — prefix selectors: a /64 set accepts a second address of the UE's prefix,
# a /128 set rejects it after decryption (XfrmInStateMismatch) and the socket gets nothing;
# the outbound SA for a new address makes P-CSCF→UE traffic flow, and before it exists
# the kernel raises an ACQUIRE that the manager reports.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
UE=$(lab_ue_ns 1)
UE_ADDR=$(lab_ue_addr6 1)
TEMP_ADDR=$(printf "2001:db8:1:%x:a:b:c:d" 1)
inns "$UE" ip addr add "$TEMP_ADDR/64" dev eth0 nodad

note "the UE's side is always /64, so it protects what it sends from either address"
inns "$UE" xfrmtool install --role ue $(xfrm_set_opts 64)

note "P-CSCF set on /64"
inns "$LAB_NS_PCSCF" xfrmtool install --role pcscf $(xfrm_set_opts 64) >/dev/null
udp_expect "$UE" "$UE_ADDR" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 3
udp_expect "$UE" "$TEMP_ADDR" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 3
expect_ge "P-CSCF SA 0x4001 packets" 6 "$(sa_packets "$LAB_NS_PCSCF" 0x4001)"

note "towards the temporary address: ACQUIRE first, then the added SA carries it"
acq=$(mktemp /tmp/lab-acq.XXXXXX)
background "$LAB_NS_PCSCF" "$acq" xfrmtool events 3000
wait_for_line "$acq" listening
udp_expect "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S "$UE" "$TEMP_ADDR" $XT_UE_PORT_C 0
wait_for_line "$acq" "acquire dst $TEMP_ADDR src $PCSCF_ACCESS6 reqid 0x50c50000"
inns "$LAB_NS_PCSCF" xfrmtool add-address --role pcscf $(xfrm_set_opts 64) --reqid 0x50c50000 --addr "$TEMP_ADDR"
inns "$UE" xfrmtool add-address --role ue $(xfrm_set_opts 64) --reqid 0x50c50000 --addr "$TEMP_ADDR"
udp_expect "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S "$UE" "$TEMP_ADDR" $XT_UE_PORT_C 3
udp_expect "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_C "$UE" "$UE_ADDR" $XT_UE_PORT_S 3
expect_eq "P-CSCF objects with the further address" "sas=6 policies=4" "$(xfrm_count "$LAB_NS_PCSCF")"
rm -f "$acq"
note "deleting the set deletes the further address's SAs with it"
inns "$LAB_NS_PCSCF" xfrmtool delete --role pcscf $(xfrm_set_opts 64) --reqid 0x50c50000 --addr "$TEMP_ADDR"
expect_eq "P-CSCF objects after delete" "sas=0 policies=0" "$(xfrm_count "$LAB_NS_PCSCF")"

note "P-CSCF set on /128"
inns "$LAB_NS_PCSCF" xfrmtool install --role pcscf $(xfrm_set_opts 128) >/dev/null
udp_expect "$UE" "$UE_ADDR" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 3
before=$(xfrm_stat "$LAB_NS_PCSCF" XfrmInStateMismatch)
udp_expect "$UE" "$TEMP_ADDR" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 0
expect_ge "XfrmInStateMismatch growth" 3 $(($(xfrm_stat "$LAB_NS_PCSCF" XfrmInStateMismatch) - before))
note "with /128 a further address is refused by the manager"
if inns "$LAB_NS_PCSCF" xfrmtool add-address --role pcscf $(xfrm_set_opts 128) --reqid 0x50c50000 \
	--addr "$TEMP_ADDR" 2>/tmp/lab-err.$$; then
	fail "add-address outside a /128 set succeeded"
fi
grep -q "outside the prefix" /tmp/lab-err.$$ || fail "unexpected error: $(cat /tmp/lab-err.$$)"
rm -f /tmp/lab-err.$$
