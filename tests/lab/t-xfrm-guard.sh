# t-xfrm-guard — the protected-port guard: clear text to a protected port from another
# host is dropped (XfrmInPolBlock) while ESP from the UE passes; nothing leaves a
# protected port in the clear towards an address no set covers.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
UE=$(lab_ue_ns 1)
UE_ADDR=$(lab_ue_addr6 1)
GUARD="--guard $PCSCF_ACCESS6 --ports $XT_PCSCF_PORT_C,$XT_PCSCF_PORT_S"

inns "$UE" xfrmtool install --role ue $(xfrm_set_opts 64) >/dev/null
inns "$LAB_NS_PCSCF" xfrmtool install --role pcscf $(xfrm_set_opts 64) >/dev/null
note "without the guard, the attacker's clear text reaches the protected port"
udp_expect "$LAB_NS_ATTACKER" "$ATTACKER6" 7000 "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 3

inns "$LAB_NS_PCSCF" xfrmtool guard $GUARD
inns "$LAB_NS_PCSCF" xfrmtool guard $GUARD # twice is not an error
expect_eq "objects with the guard" "sas=4 policies=8" "$(xfrm_count "$LAB_NS_PCSCF")"
before=$(xfrm_stat "$LAB_NS_PCSCF" XfrmInPolBlock)
udp_expect "$LAB_NS_ATTACKER" "$ATTACKER6" 7000 "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 0
udp_expect "$LAB_NS_ATTACKER" "$ATTACKER6" 7000 "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_C 0
expect_ge "XfrmInPolBlock growth" 6 $(($(xfrm_stat "$LAB_NS_PCSCF" XfrmInPolBlock) - before))

note "the UE's protected traffic still passes"
udp_expect "$UE" "$UE_ADDR" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 3

note "spoofing the UE's own address in clear text does not help"
inns "$LAB_NS_ATTACKER" ip addr add "$(lab_ue_prefix6 1)66/64" dev eth0 nodad
udp_expect "$LAB_NS_ATTACKER" "$(lab_ue_prefix6 1)66" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$PCSCF_ACCESS6" $XT_PCSCF_PORT_S 0

note "the P-CSCF cannot send in the clear from a protected port to an uncovered address"
if inns "$LAB_NS_PCSCF" labtool udp-send -s "$PCSCF_ACCESS6" -p $XT_PCSCF_PORT_S "$ATTACKER6" 7000 x 2>/dev/null; then
	fail "sending from a guarded port to an uncovered address succeeded"
fi
note "sending was refused"
