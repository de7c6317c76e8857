# t-xfrm-events — lifetimes and events: a set's SAs raise a soft then a hard EXPIRE and
# are gone with their policies; an extended set outlives its first lifetime; SPIs are
# allocated inside the range, never twice, never one the kernel or the UE uses.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 2
NS=$LAB_NS_PCSCF
SHORT=$(xfrm_set_opts 64 | sed 's/--lifetime 600/--lifetime 10/')
OTHER="--ue $(lab_ue_addr6 2)/64 --pcscf $PCSCF_ACCESS6 --ue-ports 6100,6101 --pcscf-ports 6200,6201 --ue-spis 0x3100,0x3101 --pcscf-spis 0x4100,0x4101 --lifetime 10"

events=$(mktemp /tmp/lab-events.XXXXXX)
background "$NS" "$events" xfrmtool events 20000
wait_for_line "$events" listening
inns "$NS" xfrmtool install --role pcscf $SHORT
inns "$NS" xfrmtool install --role pcscf $OTHER
note "the second set (reqid 0x50c50001) is extended to 600 s at once"
inns "$NS" xfrmtool extend --role pcscf ${OTHER/--lifetime 10/--lifetime 600} --reqid 0x50c50001
expect_eq "hard lifetime of the extended set's SAs" 4 \
	"$(inns "$NS" ip -s xfrm state | grep -c 'expire add: soft 540(sec), hard 600(sec)')"
note "waiting for the first set's lifetime of 10 s"
sleep 12
grep -q "expire soft dst $PCSCF_ACCESS6 spi 0x00004001 reqid 0x50c50000" "$events" ||
	fail "no soft EXPIRE: $(cat "$events")"
grep -q "expire hard dst $PCSCF_ACCESS6 spi 0x00004001 reqid 0x50c50000" "$events" ||
	fail "no hard EXPIRE: $(cat "$events")"
note "$(grep -c expire "$events") EXPIRE events, soft and hard, for the first set's SAs"
expect_eq "what is left: the extended set" "sas=4 policies=4" "$(xfrm_count "$NS")"
expect_eq "SAs of the expired set" 0 "$(inns "$NS" ip xfrm state | grep -c 'spi 0x0000400')"
rm -f "$events"

note "SPI allocation in 0x1000-0x1003 with 0x1001 in the kernel and 0x1002 chosen by the UE"
inns "$NS" ip xfrm state add src :: dst "$PCSCF_ACCESS6" proto esp spi 0x1001 mode transport \
	enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff
spis=$(inns "$NS" xfrmtool spi 2 --avoid 0x1002 --spi-range 0x1000,0x1003 | sort | tr '\n' ' ')
expect_eq "allocated SPIs" "0x00001000 0x00001003 " "$spis"
if inns "$NS" xfrmtool spi 3 --avoid 0x1002 --spi-range 0x1000,0x1003 >/dev/null 2>/tmp/lab-err.$$; then
	fail "a third SPI was handed out"
fi
grep -q "no free SPI" /tmp/lab-err.$$ || fail "unexpected error: $(cat /tmp/lab-err.$$)"
note "a third SPI is refused: $(cat /tmp/lab-err.$$)"
rm -f /tmp/lab-err.$$
