# t-pcscf-capture — nothing to or from the P-CSCF's protected ports crosses the access
# network in the clear. The attacker's namespace captures the shared access bridge while
# scenarios/sec-agree.scn runs (four UEs: IPv6 and IPv4, UDP and TCP, both syntaxes;
# registrations, MESSAGEs, calls, re-registrations, de-registrations). In the capture:
# ESP in both directions for both families; in the clear only the unprotected initial
# REGISTERs and their 401s on port 5060 (and ARP/ICMPv6 neighbour traffic); nothing else.
. "$(dirname "$0")/testlib.sh"
work=$(mktemp -d /tmp/t-pcscf-capture.XXXXXX)
trap 'testlib_cleanup; rm -rf "$work"' EXIT
LAB_SCENARIO_DIR=$work/run "$LAB_TESTS/scenario" "$LAB_BUILD" "$LAB_TESTS/scenarios/sec-agree.scn" \
	>"$work/out" 2>&1 || { cat "$work/out"; fail "the scenario failed"; }
pcap=$work/run/access.pcap

# packets FILTER — how many captured packets match the tcpdump FILTER
packets() { tcpdump -n -r "$pcap" "$1" 2>/dev/null | wc -l; }

note "captured $(packets '') packets on the access network"
expect_ge "ESP, UEs to the P-CSCF (IPv6)" 10 "$(packets "ip6 proto 50 and dst host $PCSCF_ACCESS6")"
expect_ge "ESP, the P-CSCF to UEs (IPv6)" 10 "$(packets "ip6 proto 50 and src host $PCSCF_ACCESS6")"
expect_ge "ESP, UEs to the P-CSCF (IPv4)" 10 "$(packets "ip proto 50 and dst host $PCSCF_ACCESS4")"
expect_ge "ESP, the P-CSCF to UEs (IPv4)" 10 "$(packets "ip proto 50 and src host $PCSCF_ACCESS4")"
# tsh FILTER — how many captured packets match the Wireshark display FILTER
tsh() {
	tshark -r "$pcap" -Y "$1" >"$work/tsh" 2>"$work/tsh.err" || fail "tshark -Y '$1': $(tail -n 2 "$work/tsh.err")"
	wc -l <"$work/tsh"
}
ports="{5064,5066,6100,6101,6102,6103}"
expect_eq "clear-text packets from the P-CSCF's protected ports" 0 \
	"$(packets "(src host $PCSCF_ACCESS6 or src host $PCSCF_ACCESS4) and (src port 5064 or src port 5066)")"
expect_eq "clear-text payload to or from protected ports (UDP, or TCP with data)" 0 \
	"$(tsh "udp.port in $ports or (tcp.port in $ports and tcp.len > 0)")"
# Not even the end of a TCP connection: ue-sim closes its connections while their SAs
# still exist (FIN and a grace period for a replaced set, RST when the P-CSCF deletes its
# side too), so no empty FIN/ACK/RST segment leaves in the clear either.
expect_eq "empty TCP segments to or from protected ports in the clear" 0 \
	"$(tsh "tcp.port in $ports and tcp.len == 0")"
other="not (ip proto 50 or ip6 proto 50 or port 5060 or arp or icmp6 or ((tcp dst port 5064 or tcp dst port 5066) and not (src host $PCSCF_ACCESS6 or src host $PCSCF_ACCESS4)))"
if [ "$(packets "$other")" != 0 ]; then
	tcpdump -n -r "$pcap" "$other" 2>/dev/null | head -n 10 >&2
	fail "clear-text packets other than port 5060: $(packets "$other")"
fi
note "nothing else in the clear but port 5060, ARP and ICMPv6"
expect_ge "clear text on UDP 5060" 4 "$(packets "udp port 5060")"
expect_ge "clear text on TCP 5060" 4 "$(packets "tcp port 5060")"

# What SIP crossed on 5060: initial REGISTERs and their 401s, nothing else.
tshark -r "$pcap" -Y sip -T fields -e sip.CSeq.method -e sip.Status-Code 2>/dev/null |
	sort | uniq -c >"$work/sip"
sed 's/^/# SIP in the clear: /' "$work/sip"
expect_eq "SIP in the clear other than REGISTER and its 401" 0 \
	"$(awk '!($2 == "REGISTER" && ($3 == "" || $3 == 401))' "$work/sip" | wc -l)"
expect_ge "clear-text REGISTERs (one per initial registration)" 4 \
	"$(awk '$2 == "REGISTER" && $3 == "" {n += $1} END {print n + 0}' "$work/sip")"
expect_ge "clear-text 401s" 4 "$(awk '$3 == 401 {n += $1} END {print n + 0}' "$work/sip")"
