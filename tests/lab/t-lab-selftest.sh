# t-lab-selftest — the lab kernel really does ESP: transport-mode SAs and policies set
# with `ip xfrm` between a UE and the P-CSCF carry UDP and count it, and a packet with
# a forged ICV is counted as an integrity failure and never delivered. IPv6 and IPv4.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
UE=$(lab_ue_ns 1)
PORT=5100

selftest_family() {
	local ue_addr=$1 pcscf_addr=$2 spi_up=$3 spi_down=$4 out=/tmp/lab-selftest.$$
	lab_esp_pair "$LAB_NS_PCSCF" "$pcscf_addr" "$ue_addr" "$spi_up" "$spi_down"
	lab_esp_pair "$UE" "$ue_addr" "$pcscf_addr" "$spi_down" "$spi_up"

	note "UDP from $ue_addr to $pcscf_addr through ESP"
	background "$LAB_NS_PCSCF" "$out.ok" labtool udp-recv "$pcscf_addr" $PORT 5 5000
	wait_for_line "$out.ok" listening
	inns "$UE" labtool udp-send "$pcscf_addr" $PORT "hello through esp" 5
	wait "$LAST_PID" || fail "the P-CSCF did not receive 5 datagrams: $(cat "$out.ok")"
	expect_ge "P-CSCF inbound SA $spi_up packets" 5 "$(sa_packets "$LAB_NS_PCSCF" "$spi_up")"
	expect_ge "UE outbound SA $spi_up packets" 5 "$(sa_packets "$UE" "$spi_up")"

	note "a forged ESP packet (random ICV) to SPI $spi_up"
	local errors_before failed_before
	errors_before=$(xfrm_stat "$LAB_NS_PCSCF" XfrmInStateProtoError)
	failed_before=$(sa_failed "$LAB_NS_PCSCF" "$spi_up")
	background "$LAB_NS_PCSCF" "$out.forged" labtool udp-recv "$pcscf_addr" $PORT 0 1000
	wait_for_line "$out.forged" listening
	inns "$UE" labtool esp-inject "$pcscf_addr" "$spi_up" 1000 96
	wait "$LAST_PID" || fail "the forged packet was delivered: $(cat "$out.forged")"
	expect_eq "XfrmInStateProtoError growth" 1 \
		$(($(xfrm_stat "$LAB_NS_PCSCF" XfrmInStateProtoError) - errors_before))
	expect_eq "P-CSCF inbound SA $spi_up integrity failures growth" 1 \
		$(($(sa_failed "$LAB_NS_PCSCF" "$spi_up") - failed_before))
	rm -f "$out".*
}

selftest_family "$(lab_ue_addr6 1)" "$PCSCF_ACCESS6" 0x1001 0x1002
selftest_family "$(lab_ue_addr4 1)" "$PCSCF_ACCESS4" 0x2001 0x2002
note "the lab kernel carries and checks ESP"
