# t-pcscf-restart — pcscfd's state survives a crash: restart.scenario (three UEs, kill -9,
# MESSAGEs over the old SAs, 12 kernel SAs before and after, none after de-registration);
# then, around a second kill -9: an SA of a registration deleted behind pcscfd's back is
# put back with the same SPI, an SA with pcscfd's ownership tag that no registration
# knows is removed, another daemon's SA is left alone, and the UE still gets 200. A
# damaged database stops pcscfd with a clear error and a non-zero exit.
. "$(dirname "$0")/testlib.sh"
. "$LAB_TESTS/pcscflib.sh"
ROOT=$LAB_TESTS/../..

"$LAB_TESTS/scenario" "$LAB_BUILD" "$LAB_TESTS/restart.scenario" | sed 's/^/scenario: /' ||
	fail "restart.scenario failed"
note "restart.scenario passed"

"$LABNET" up 1
pcscflib_work t-pcscf-restart
subscribers=$ROOT/etc/subscribers.example
pcscflib_hss "$work"

start_pcscf() {
	background "$LAB_NS_PCSCF" "$work/pcscf$1.log" pcscfd -d -f "$ROOT/etc/pcscf.conf" -l debug
	PCSCF_PID=$LAST_PID
	wait_for_line "$work/pcscf$1.log" "pcscfd: ready" || fail "pcscfd did not start: $(tail -n 3 "$work/pcscf$1.log")"
}
start_pcscf 1
# min-prefix-length 64 24: the policies of every set are hashed (installing N sets from the
# database would otherwise take time growing with N squared).
expect_eq "IPv6 policy hash thresholds" "local 64 remote 64" \
	"$(inns "$LAB_NS_PCSCF" ip -s -s xfrm policy count | sed -n 's/.*IPv6 thresholds: //p')"
expect_eq "IPv4 policy hash thresholds" "local 24 remote 24" \
	"$(inns "$LAB_NS_PCSCF" ip -s -s xfrm policy count | sed -n 's/.*IPv4 thresholds: //p')"
mkfifo "$work/ue1.steps"
background "$(lab_ue_ns 1)" "$work/ue1.out" ue-sim --pcscf "[$PCSCF_ACCESS6]:5060" \
	--subscribers "$subscribers" --ue ue1 --local "$(lab_ue_addr6 1)" --steps "$work/ue1.steps"
exec 7>"$work/ue1.steps"
step() {
	local try n=$(($(grep -c '^\(ok\|FAIL\)' "$work/ue1.out") + 1))
	echo "$1" >&7
	for try in $(seq 400); do
		[ "$(grep -c '^\(ok\|FAIL\)' "$work/ue1.out")" -ge "$n" ] && break
		sleep 0.1
	done
	grep '^\(ok\|FAIL\)' "$work/ue1.out" | sed -n "${n}p" | grep -q '^ok' ||
		fail "ue1 $1: $(tail -n 2 "$work/ue1.out" | tr '\n' ' ')"
	note "ue1 $1: $(grep '^ok' "$work/ue1.out" | tail -n 1)"
}
step "register prefix=64 expect=200"

states() { inns "$LAB_NS_PCSCF" ip xfrm state; }
# The SPI pcscfd chose for ue1's SAs towards it (port-s), from the database's view.
spi=$(states | grep -A1 "^src :: dst $PCSCF_ACCESS6" | grep -o 'spi 0x[0-9a-f]*' | head -n 1 | cut -d' ' -f2)
[ -n "$spi" ] || fail "no inbound SA of ue1 in the P-CSCF"
kill -9 "$PCSCF_PID"
inns "$LAB_NS_PCSCF" pkill -9 -x pcscfd || true
wait "$PCSCF_PID" 2>/dev/null || true
expect_eq "SAs left in the kernel by kill -9" 4 "$(states | grep -c '^src')"

# Behind pcscfd's back: one of its SAs goes, one that looks like its own arrives (reqid in
# its range), and one of another daemon's (another reqid).
inns "$LAB_NS_PCSCF" ip xfrm state delete src :: dst "$PCSCF_ACCESS6" proto esp spi "$spi"
key=0x00112233445566778899aabbccddeeff
inns "$LAB_NS_PCSCF" ip xfrm state add src "$PCSCF_ACCESS6" dst 2001:db8:1:9::9 proto esp \
	spi 0x7f000001 reqid 0x50c5fff0 mode transport auth-trunc 'hmac(sha1)' ${key}00112233 96 \
	enc 'cbc(aes)' $key
inns "$LAB_NS_PCSCF" ip xfrm state add src "$PCSCF_ACCESS6" dst 2001:db8:1:9::9 proto esp \
	spi 0x7f000002 reqid 4242 mode transport auth-trunc 'hmac(sha1)' ${key}00112233 96 \
	enc 'cbc(aes)' $key
start_pcscf 2
grep -q "1 registrations restored" "$work/pcscf2.log" || fail "no restore line: $(grep 'state:' "$work/pcscf2.log")"
note "$(grep -o 'state: .*' "$work/pcscf2.log")"
states >"$work/states"
grep -q "spi $spi " "$work/states" || fail "the deleted SA (spi $spi) was not put back"
note "the SA deleted behind pcscfd's back is back with spi $spi"
grep -q 'spi 0x7f000001' "$work/states" && fail "an SA with pcscfd's tag that it does not know was kept"
note "the unknown SA with pcscfd's reqid range is gone"
grep -q 'spi 0x7f000002' "$work/states" || fail "another daemon's SA was removed"
note "another daemon's SA is untouched"
expect_eq "SAs (ue1's four and the other daemon's)" 5 "$(grep -c '^src' "$work/states")"
step "send MESSAGE sip:ue1@ims.test body=after-restart expect=200"
expect_eq "registrations (pcscfctl)" 1 "$(inns "$LAB_NS_PCSCF" pcscfctl --json registrations | grep -c '"impu"')"
inns "$LAB_NS_PCSCF" pcscfctl --json registrations | python3 -m json.tool >/dev/null ||
	fail "pcscfctl --json registrations is not valid JSON"
inns "$LAB_NS_PCSCF" ip xfrm state delete src "$PCSCF_ACCESS6" dst 2001:db8:1:9::9 proto esp spi 0x7f000002

# A damaged database: pcscfd refuses to start, says why, exits non-zero.
kill -9 "$PCSCF_PID"
inns "$LAB_NS_PCSCF" pkill -9 -x pcscfd || true
wait "$PCSCF_PID" 2>/dev/null || true
dd if=/dev/urandom of=/run/pcscfd/state.db bs=1k seek=1 count=4 conv=notrunc 2>/dev/null
rm -f /run/pcscfd/state.db-wal /run/pcscfd/state.db-shm
rc=0
inns "$LAB_NS_PCSCF" timeout 10 pcscfd -d -f "$ROOT/etc/pcscf.conf" >"$work/pcscf3.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "pcscfd started on a damaged database"
grep -q "state database: /run/pcscfd/state.db" "$work/pcscf3.log" ||
	fail "no clear error for the damaged database: $(tail -n 2 "$work/pcscf3.log")"
note "damaged database: exit $rc, $(grep -o 'state database: .*' "$work/pcscf3.log" | head -n 1)"
