# testlib.sh — helpers for the network tests (sourced).
# A test is a bash script that exits 0 when every check passed; the first failed
# check ends it with a message saying what was expected and what was seen.
set -euo pipefail
LAB_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$LAB_TESTS/lab.env"
LABNET=$LAB_TESTS/labnet
LAB_BUILD=${LAB_BUILD:-$(cd "$LAB_TESTS/../.." && pwd)/build}
for dir in tests/lab src/pcscf src/hss-stub src/ue-sim; do
	case ":$PATH:" in *":$LAB_BUILD/$dir:"*) ;; *) PATH="$LAB_BUILD/$dir:$PATH" ;; esac
done
export PATH LAB_BUILD
declare -a TESTLIB_PIDS=()

fail() { echo "FAILED: $*" >&2; exit 1; }
note() { echo "# $*"; }

# expect_eq WHAT EXPECTED SEEN
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected $2, saw $3"; note "$1 = $3"; }
# expect_ge WHAT MINIMUM SEEN
expect_ge() { [ "$3" -ge "$2" ] || fail "$1: expected at least $2, saw $3"; note "$1 = $3 (>= $2)"; }

testlib_cleanup() {
	local pid
	for pid in "${TESTLIB_PIDS[@]}"; do
		{ kill "$pid" && wait "$pid"; } 2>/dev/null || true
	done
	TESTLIB_PIDS=()
}
trap testlib_cleanup EXIT

# in NS CMD… — run CMD in namespace NS
inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# background NS OUTFILE CMD… — start CMD in NS, remember it for clean-up
background() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$@" >"$out" 2>&1 &
	TESTLIB_PIDS+=($!)
	LAST_PID=$!
}

# wait_for_line FILE TEXT — wait (up to 5 s) until FILE contains TEXT
wait_for_line() {
	local try
	for try in $(seq 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "'$2' never appeared in $1"
}

# xfrm_stat NS COUNTER — a counter of NS's /proc/net/xfrm_stat
xfrm_stat() { inns "$1" awk -v name="$2" '$1 == name {print $2}' /proc/net/xfrm_stat; }

# sa_packets NS SPI — packets counted by the SA with SPI (hex, 0x…) in NS
sa_packets() {
	inns "$1" ip -s xfrm state list spi "$2" |
		awk '/lifetime current:/ {getline; sub(/\(packets\)/, "", $2); print $2; exit}'
}

# sa_failed NS SPI — integrity failures counted by the SA with SPI in NS
sa_failed() {
	inns "$1" ip -s xfrm state list spi "$2" | awk '/stats:/ {getline; for (i = 1; i < NF; i++) if ($i == "failed") print $(i + 1)}'
}

# lab_esp_pair NS LOCAL REMOTE SPI_IN SPI_OUT — two transport-mode ESP SAs set with
# `ip xfrm` (hmac(sha1) + cbc(aes), fixed test keys) and the policies that make
# UDP between LOCAL and REMOTE use them
lab_esp_pair() {
	local ns=$1 local_addr=$2 remote=$3 spi_in=$4 spi_out=$5
	local auth="auth-trunc hmac(sha1) 0x0011223344556677889900112233445566778899 96"
	local enc="enc cbc(aes) 0x00112233445566778899aabbccddeeff"
	inns "$ns" ip xfrm state add src "$remote" dst "$local_addr" proto esp spi "$spi_in" \
		mode transport $auth $enc
	inns "$ns" ip xfrm state add src "$local_addr" dst "$remote" proto esp spi "$spi_out" \
		mode transport $auth $enc
	inns "$ns" ip xfrm policy add src "$remote" dst "$local_addr" proto udp dir in \
		tmpl src "$remote" dst "$local_addr" proto esp mode transport
	inns "$ns" ip xfrm policy add src "$local_addr" dst "$remote" proto udp dir out \
		tmpl src "$local_addr" dst "$remote" proto esp mode transport
}

# xfrm_set_opts PREFIXLEN [EXTRA…] — xfrmtool options of the standard test set between
# UE 1 and the P-CSCF: UE ports 6100/6101 (c/s), P-CSCF ports 6200/6201 (c/s)
XT_UE_PORT_C=6100 XT_UE_PORT_S=6101 XT_PCSCF_PORT_C=6200 XT_PCSCF_PORT_S=6201
xfrm_set_opts() {
	local plen=$1
	shift
	echo "--ue $(lab_ue_addr6 1)/$plen --pcscf $PCSCF_ACCESS6" \
		"--ue-ports $XT_UE_PORT_C,$XT_UE_PORT_S --pcscf-ports $XT_PCSCF_PORT_C,$XT_PCSCF_PORT_S" \
		"--ue-spis 0x3000,0x3001 --pcscf-spis 0x4000,0x4001 --lifetime 600 $*"
}

# udp_expect NS_FROM SRC SPORT NS_TO DST DPORT COUNT — send 3 datagrams, expect COUNT
udp_expect() {
	local from=$1 src=$2 sport=$3 to=$4 dst=$5 dport=$6 count=$7 out
	out=$(mktemp /tmp/lab-udp.XXXXXX)
	background "$to" "$out" labtool udp-recv "$dst" "$dport" "$count" "$([ "$count" = 0 ] && echo 800 || echo 4000)"
	wait_for_line "$out" listening
	inns "$from" labtool udp-send -s "$src" -p "$sport" "$dst" "$dport" "probe" 3 || true
	if ! wait "$LAST_PID"; then
		local seen
		seen=$(tail -n 1 "$out")
		rm -f "$out"
		fail "UDP [$src]:$sport -> [$dst]:$dport: expected $count datagrams, $seen"
	fi
	note "UDP [$src]:$sport -> [$dst]:$dport: $(tail -n 1 "$out") as expected"
	rm -f "$out"
}

# xfrm_count NS — "sas=N policies=M" of the manager's own objects in NS
xfrm_count() { inns "$1" xfrmtool count; }
