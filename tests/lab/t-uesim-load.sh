# t-uesim-load — ue-sim's load mode: 20 generated UEs (their subscribers made by
# `ue-sim --print-subscribers`, imported into hss-stub) on addresses of their own in ue1's
# /64 register through pcscfd with IPsec, send 40 MESSAGEs to each other, and de-register;
# pcscfd then holds only its guard. The same UEs register directly at hss-stub (no P-CSCF,
# no IPsec) and exchange MESSAGEs again. Each run prints its phases and a key=value line.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
ROOT=$(cd "$LAB_TESTS/../.." && pwd)
RUN=$(mktemp -d /tmp/lab-uesim.XXXXXX)
N=20
BASE=2001:db8:1:1::1000 # UE i has 2001:db8:1:1::1000 + i
LOAD=(--load "$N" --local "$BASE" --dev eth0 --window 8 --messages 40 --msg-rate 50)

ue-sim --load "$N" --print-subscribers >"$RUN/subscribers"
expect_eq "generated subscriber lines" "$N" "$(grep -c '^impi=load[0-9]*@ims.test ' "$RUN/subscribers")"
hss-stub subscriber import --db "$RUN/hss.db" --replace "$RUN/subscribers" >/dev/null
background "$LAB_NS_SCSCF" "$RUN/hss.log" hss-stub run --db "$RUN/hss.db" \
	--listen "[$SCSCF_CORE6]:5060" --domain ims.test
wait_for_line "$RUN/hss.log" listening
background "$LAB_NS_PCSCF" "$RUN/pcscf.log" pcscfd -d -f "$ROOT/etc/pcscf.conf"
wait_for_line "$RUN/pcscf.log" ready

# load_run NAME OPTIONS… — one load run in ue1's namespace; fails with its output if it does
load_run() {
	local name=$1
	shift
	if ! inns "$(lab_ue_ns 1)" ue-sim "${LOAD[@]}" "$@" >"$RUN/$name.out" 2>"$RUN/$name.err"; then
		cat "$RUN/$name.out" "$RUN/$name.err" >&2
		tail -n 20 "$RUN/pcscf.log" >&2
		fail "$name: the load run failed"
	fi
	sed "s/^/$name: /" "$RUN/$name.out"
}
# field NAME KEY — a value of the key=value line of run NAME
field() { tail -n 1 "$RUN/$1.out" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

note "through pcscfd with IPsec (ipsec-3gpp on /128 selectors), then de-registration"
load_run pcscf --pcscf "[$PCSCF_ACCESS6]:5060" --deregister
expect_eq "registrations through pcscfd" "$N" "$(field pcscf reg_ok)"
expect_eq "MESSAGEs answered 2xx" 40 "$(field pcscf msg_ok)"
expect_eq "de-registrations" "$N" "$(field pcscf dereg_ok)"
for key in reg_p50_ms reg_p90_ms reg_p99_ms reg_per_s msg_p99_ms msg_per_s; do
	[[ "$(field pcscf $key)" =~ ^[0-9]+\.[0-9]+$ ]] || fail "pcscf: $key is not a number"
done
awk -v a="$(field pcscf reg_p50_ms)" -v b="$(field pcscf reg_p99_ms)" 'BEGIN {exit !(a > 0 && a <= b)}' ||
	fail "registration latency: p50 $(field pcscf reg_p50_ms) ms, p99 $(field pcscf reg_p99_ms) ms"
expect_eq "pcscfd's objects after de-registration (the guard)" "sas=0 policies=8" \
	"$(xfrm_count "$LAB_NS_PCSCF")"
expect_eq "load addresses left on ue1's eth0" 0 \
	"$(inns "$(lab_ue_ns 1)" ip -6 addr show dev eth0 | grep -c '2001:db8:1:1::10' || true)"
expect_eq "ue-sim SAs left in ue1's namespace" 0 "$(inns "$(lab_ue_ns 1)" ip xfrm state | grep -c '^src' || true)"

note "the same UEs directly at hss-stub, without the P-CSCF"
load_run direct --scscf "[$SCSCF_CORE6]:5060"
expect_eq "registrations at hss-stub" "$N" "$(field direct reg_ok)"
expect_eq "MESSAGEs answered 2xx (direct)" 40 "$(field direct msg_ok)"
grep -q "^load: $N UEs from 2001:db8:1:1::1001, window 8, S-CSCF \\[$SCSCF_CORE6\\]:5060" "$RUN/direct.out" ||
	fail "the direct run did not say where it went"
rm -rf "$RUN"
