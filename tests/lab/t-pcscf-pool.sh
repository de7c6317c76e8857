# t-pcscf-pool — two pcscfd instances of one signing pool (doc/signing.md, Pools), over
# real SAs: a dialog set up through the first continues through the second, which shares
# nothing with the first but the pool key and the service addresses.
#
#   A    pcscfd with "signing 5 300" and the pool key, its own database, database key and
#        control socket. ue1 calls ue2 (dialog D1), ue3 calls ue2 (D2), both through A.
#   kill A is killed -9 (parent and child): a crash or a lost host, the case a pool's
#        failover is for. A clean stop (SIGTERM) would delete its SA sets and
#        registrations, a planned restart (SIGQUIT) keeps them for A itself; neither is
#        what another member sees. A's SAs stay in the kernel; on a real pool they would
#        stay on A's dead host. Here the members share one namespace, so the next
#        instance's start-up reconciliation removes them (its fresh database knows none).
#   B0   the negative control: a pcscfd on the same addresses without the pool key
#        (own fresh database). The UEs register again (TS 23.380 restoration); an
#        in-dialog request of D1 and of D2 gets 403 unknown-key: nothing but the wrapped
#        key could let another instance verify A's signatures.
#   B    B0 is killed -9 too; B starts with the pool key and another fresh database. The
#        UEs register again. Re-INVITEs from the caller (D1) and the callee (D2) side and
#        the BYE of D1 get 200, verified from the wrapped key A put into the route set;
#        they travel over B's SAs (ESP packet counters of lab-pcscf's SAs grow, A's SAs
#        are gone). ue3's re-INVITE with one character of sg-wk changed (forge-route
#        wrapped-key) gets 403 bad-wrap and never reaches ue2; honest again, it gets 200.
#   B'   expiry, without waiting out 305 s: once A's keys are more than 65 s old, B is
#        restarted (SIGQUIT: it keeps its registrations, SAs and database, but not the keys
#        it unwrapped) with "signing 5 60". A's keys are now past that ROTATE + KEEP: ue3's
#        re-INVITE and ue2's BYE get 403 expired-key and reach nobody (KEEP must outlast
#        the longest dialog). A new call through B' works, the UEs de-register.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/uesteps.sh"
"$LABNET" up 3
ROOT=$(cd "$LAB_TESTS/../.." && pwd)
RUN=$(mktemp -d /tmp/lab-pool.XXXXXX)
trap 'rc=$?; testlib_cleanup; rm -rf /run/pcscfd-pool-*; [ $rc -ne 0 ] || rm -rf "$RUN"' EXIT

# The pool key: 64 hex digits in a file only root may read.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/pool.key"
chmod 600 "$RUN/pool.key"

# pool_conf NAME POOL [SIGNING] — pcscf.conf for instance NAME: signing SIGNING (default
# 5 300), its own database, key and control socket under /run/pcscfd-pool-NAME*, the pool
# key when POOL is yes
pool_conf() {
	local conf=$RUN/$1.conf state=/run/pcscfd-pool-$1 signing=${3:-5 300}
	sed -e "s/^signing off\$/signing $signing/" \
		-e "s|^database .*|database $state/state.db|" \
		-e "s|^database-key .*|database-key $state.key|" \
		-e "s|^control .*|control $state.sock|" "$ROOT/etc/pcscf.conf" >"$conf"
	[ "$2" = yes ] && echo "signing-pool-key $RUN/pool.key" >>"$conf"
	for line in "signing $signing" "database $state/state.db" "control $state.sock"; do
		grep -qx "$line" "$conf" || fail "cannot make $conf: no '$line'"
	done
	echo "$conf"
}

# pool_start NAME POOL [SIGNING] — start instance NAME (log $RUN/pcscf.log while it runs);
# PCSCFD
pool_start() {
	local conf
	conf=$(pool_conf "$1" "$2" "${3:-}")
	background "$LAB_NS_PCSCF" "$RUN/pcscf.log" pcscfd -d -f "$conf"
	PCSCFD=$LAST_PID
	wait_for_line "$RUN/pcscf.log" ready
	note "pcscfd $1 ($PCSCFD) ready, $(grep -o 'state: .*' "$RUN/pcscf.log" | head -n 1)"
}

# pool_crash NAME — kill -9 the running instance (child, then parent); its log is kept as
# $RUN/pcscf-NAME.log
pool_crash() {
	local child
	child=$(pgrep -P "$PCSCFD" || true)
	kill -9 $child "$PCSCFD"
	wait "$PCSCFD" 2>/dev/null || true
	mv "$RUN/pcscf.log" "$RUN/pcscf-$1.log"
	note "pcscfd $1 killed (-9)"
}

# expect_refused MIN RESULT WHAT — the running instance refused at least MIN in-dialog
# requests for RESULT so far, and none for any other reason
expect_refused() {
	expect_ge "$3: refused as $2" "$1" "$(failed_checks "$2")"
	expect_eq "$3: refused for other reasons" 0 $(($(failed_checks) - $(failed_checks "$2")))
}
# failed_checks [RESULT] — in-dialog requests the running instance refused for RESULT (for
# any reason when not given)
failed_checks() {
	grep -c "in-dialog request from .*: signature ${1:-[a-z-]*}\$" "$RUN/pcscf.log" || true
}
# ue_in N METHOD — requests of METHOD ueN has received
ue_in() { grep -c "^in $2 " "$RUN/ue$1.out" || true; }
# spis — the SPIs of the SAs in lab-pcscf
spis() { inns "$LAB_NS_PCSCF" ip xfrm state | grep -o 'spi 0x[0-9a-f]*' | sort -u; }
# esp_packets in|out — packets counted by lab-pcscf's SAs to (in) or from (out) its
# access address
esp_packets() {
	inns "$LAB_NS_PCSCF" ip -s xfrm state | awk -v dir="$1" -v me="$PCSCF_ACCESS6" '
		/^src / { mine = dir == "in" ? $4 == me : $2 == me }
		/lifetime current:/ { getline; sub(/\(packets\)/, "", $2); if (mine) n += $2 }
		END { print n + 0 }'
}
# register_all — every UE registers (an initial registration: new SAs with this instance)
register_all() { for n in 2 1 3; do step $n "register expect=200"; done; }

conf=$(pool_conf a yes)
ims_start "$conf"
note "pcscfd a ($PCSCFD) ready"
for n in 1 2 3; do
	ue_start $n --subscribers "$ROOT/etc/subscribers.example" --pcscf "[$PCSCF_ACCESS6]:5060"
done
register_all
step 1 "call sip:ue2@ims.test expect=200"
step 3 "call sip:ue2@ims.test expect=200"
dialogs_made=$(date +%s) # A's signing keys of D1 and D2 are at most this old
spis >"$RUN/spis-a"
expect_eq "A's SAs in the kernel (three UEs, four each)" 12 "$(wc -l <"$RUN/spis-a")"
pool_crash a
expect_eq "A's SAs left in the kernel by kill -9" 12 "$(spis | wc -l)"

note "B0: the same addresses, no pool key"
pool_start b0 no
expect_eq "A's SAs left after B0's start" 0 "$(spis | grep -cxFf "$RUN/spis-a" || true)"
register_all
invites2=$(ue_in 2 INVITE) invites3=$(ue_in 3 INVITE)
step 1 "reinvite expect=403"
step 2 "reinvite expect=403"
step 2 "sleep 1" # the ACKs of the 403s
expect_eq "re-INVITEs that reached ue2 (D1, B0)" "$invites2" "$(ue_in 2 INVITE)"
expect_eq "re-INVITEs that reached ue3 (D2, B0)" "$invites3" "$(ue_in 3 INVITE)"
# A retransmitted request gets its own 403 and ACK: at least two refusals per re-INVITE.
expect_refused 4 unknown-key "B0: re-INVITEs and their ACKs"
pool_crash b0

note "B: the same addresses, the pool key, its own fresh database"
pool_start b yes
grep -q 'state: 0 registrations restored' "$RUN/pcscf.log" || fail "B did not start afresh"
register_all
spis >"$RUN/spis-b"
expect_eq "B's SAs (three UEs, four each)" 12 "$(wc -l <"$RUN/spis-b")"
expect_eq "SAs of A among them" 0 "$(grep -cxFf "$RUN/spis-a" "$RUN/spis-b" || true)"
in=$(esp_packets in) out=$(esp_packets out)
invites=$(ue_in 2 INVITE) byes=$(ue_in 2 BYE)
step 1 "reinvite expect=200"
step 2 "reinvite expect=200"
step 1 "hangup expect=200"
expect_eq "re-INVITEs that reached ue2 (from ue1)" $((invites + 1)) "$(ue_in 2 INVITE)"
expect_eq "BYEs that reached ue2 (from ue1)" $((byes + 1)) "$(ue_in 2 BYE)"
expect_eq "in-dialog requests B refused" 0 "$(failed_checks)"
# ue1: re-INVITE, ACK, BYE, 200 (ue2's re-INVITE); ue2: 200 (ue1's re-INVITE), re-INVITE,
# ACK, 200 (BYE); and the same eight from B to them
expect_ge "ESP packets into B's SAs during D1/D2's requests" 8 $(($(esp_packets in) - in))
expect_ge "ESP packets out of B's SAs during D1/D2's requests" 8 $(($(esp_packets out) - out))

note "a tampered wrapped key"
invites=$(ue_in 2 INVITE)
step 3 "forge-route wrapped-key"
step 3 "reinvite expect=403"
step 3 "sleep 1"
expect_refused 2 bad-wrap "B: ue3's re-INVITE and its ACK"
expect_eq "re-INVITEs that reached ue2 (tampered)" "$invites" "$(ue_in 2 INVITE)"
step 3 "forge-route off"
step 3 "reinvite expect=200"
expect_eq "re-INVITEs that reached ue2 (honest again)" $((invites + 1)) "$(ue_in 2 INVITE)"

wait_s=$((dialogs_made + 66 - $(date +%s)))
if [ "$wait_s" -gt 0 ]; then
	note "until A's keys are more than 65 s old: $wait_s s"
	sleep "$wait_s"
fi
kill -QUIT "$PCSCFD"
wait "$PCSCFD" || fail "pcscfd b did not exit 0 on SIGQUIT"
mv "$RUN/pcscf.log" "$RUN/pcscf-b.log"
note "B restarted with signing 5 60 (keeping its registrations and SAs)"
pool_start b yes "5 60"
grep -q 'state: 3 registrations restored' "$RUN/pcscf.log" || fail "B' lost B's registrations"
invites=$(ue_in 2 INVITE) byes=$(ue_in 3 BYE)
step 3 "reinvite expect=403"
step 2 "hangup expect=403"
step 3 "sleep 1"
expect_refused 3 expired-key "B': ue3's re-INVITE, its ACK, ue2's BYE"
expect_eq "re-INVITEs that reached ue2 (expired)" "$invites" "$(ue_in 2 INVITE)"
expect_eq "BYEs that reached ue3 (expired)" "$byes" "$(ue_in 3 BYE)"

note "B' (restarted): its own dialogs"
step 1 "call sip:ue3@ims.test expect=200"
step 1 "reinvite expect=200"
step 3 "hangup expect=200"
for n in 1 2 3; do step $n "deregister expect=200"; done
expect_eq "SAs after de-registration" 0 "$(spis | wc -l)"
for n in 1 2 3; do ue_quit $n; done
