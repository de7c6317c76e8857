# t-xfrm-algs — every algorithm pair TS 33.203 allows installs and carries traffic both
# ways, over IPv6 and IPv4; forbidden pairs are refused before the kernel sees them.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
UE=$(lab_ue_ns 1)
PAIRS="hmac-sha-1-96/null hmac-sha-1-96/aes-cbc hmac-sha-1-96/des-ede3-cbc
hmac-md5-96/null hmac-md5-96/aes-cbc hmac-md5-96/des-ede3-cbc aes-gmac/null null/aes-gcm"

v4_opts() {
	echo "--ue $(lab_ue_addr4 1)/24 --pcscf $PCSCF_ACCESS4" \
		"--ue-ports $XT_UE_PORT_C,$XT_UE_PORT_S --pcscf-ports $XT_PCSCF_PORT_C,$XT_PCSCF_PORT_S" \
		"--ue-spis 0x3000,0x3001 --pcscf-spis 0x4000,0x4001 --lifetime 600"
}

for pair in $PAIRS; do
	alg=${pair%/*} ealg=${pair#*/}
	for family in 6 4; do
		if [ $family = 6 ]; then
			opts=$(xfrm_set_opts 64) ue_addr=$(lab_ue_addr6 1) pcscf=$PCSCF_ACCESS6
		else
			opts=$(v4_opts) ue_addr=$(lab_ue_addr4 1) pcscf=$PCSCF_ACCESS4
		fi
		note "alg=$alg ealg=$ealg IPv$family"
		inns "$UE" xfrmtool install --role ue $opts --alg "$alg" --ealg "$ealg" >/dev/null
		inns "$LAB_NS_PCSCF" xfrmtool install --role pcscf $opts --alg "$alg" --ealg "$ealg" >/dev/null
		udp_expect "$UE" "$ue_addr" $XT_UE_PORT_C "$LAB_NS_PCSCF" "$pcscf" $XT_PCSCF_PORT_S 3
		udp_expect "$LAB_NS_PCSCF" "$pcscf" $XT_PCSCF_PORT_C "$UE" "$ue_addr" $XT_UE_PORT_S 3
		expect_ge "P-CSCF inbound SA packets" 3 "$(sa_packets "$LAB_NS_PCSCF" 0x4001)"
		expect_ge "UE inbound SA packets" 3 "$(sa_packets "$UE" 0x3001)"
		inns "$UE" xfrmtool flush
		inns "$LAB_NS_PCSCF" xfrmtool flush
	done
done
for pair in aes-gmac/aes-cbc hmac-sha-1-96/aes-gcm null/null; do
	if inns "$LAB_NS_PCSCF" xfrmtool install --role pcscf $(xfrm_set_opts 64) \
		--alg "${pair%/*}" --ealg "${pair#*/}" 2>/dev/null; then
		fail "the forbidden pair $pair was installed"
	fi
	note "forbidden pair $pair refused"
done
