# t-pcscf-signing-restart — signed dialogs outlive a crash of pcscfd (doc/signing.md, Keys):
# with "signing 10 500", ue1 calls ue2; pcscfd is killed with SIGKILL (parent and SIP child)
# and started again on the same state database; the re-INVITEs from both sides and the BYE
# of the old dialog get 200, because the signing keys were stored (sealed) and taken back.
# pcscfctl status shows the keys, never a secret. Then, stopped again: one stored key's
# expiry altered behind pcscfd's back makes the next start fail with a clear error and a
# non-zero exit, as a damaged SA row does. Keys live 510 s: a slow lab run stays inside
# one key's life (t-pcscf-signing covers rotation within a dialog).
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/uesteps.sh"
"$LABNET" up 2
ROOT=$(cd "$LAB_TESTS/../.." && pwd)
RUN=$(mktemp -d /tmp/lab-signing-restart.XXXXXX)
DB=$(sed -n 's/^database //p' "$ROOT/etc/pcscf.conf")
[ -n "$DB" ] || fail "etc/pcscf.conf names no database"

sed 's/^signing off$/signing 10 500/' "$ROOT/etc/pcscf.conf" >"$RUN/pcscf.conf"
grep -qx 'signing 10 500' "$RUN/pcscf.conf" || fail "etc/pcscf.conf has no 'signing off' line"
ims_start "$RUN/pcscf.conf"
for n in 1 2; do
	ue_start $n --subscribers "$ROOT/etc/subscribers.example" --pcscf "[$PCSCF_ACCESS6]:5060"
done

# kill_pcscfd — SIGKILL to pcscfd's parent and its SIP child (by pid), wait until both went
kill_pcscfd() {
	local child try
	child=$(pgrep -P "$PCSCFD" || true)
	kill -9 "$PCSCFD" $child 2>/dev/null || true
	for try in $(seq 100); do
		kill -0 "$PCSCFD" $child 2>/dev/null || break
		sleep 0.05
	done
	wait "$PCSCFD" 2>/dev/null || true
}
# status_line — pcscfctl status's signing-keys line
status_line() { inns "$LAB_NS_PCSCF" pcscfctl status | grep '^signing keys' || true; }

step 2 "register expect=200"
step 1 "register expect=200"
step 1 "call sip:ue2@ims.test expect=200"
step 1 "reinvite expect=200"
before=$(status_line)
note "before the crash: $before"
echo "$before" | grep -q '^signing keys [1-9][0-9]* current [0-9a-f]\{8\} age_s [0-9]*$' ||
	fail "pcscfctl status shows no signing keys: '$before'"
keyid=$(echo "$before" | awk '{print $5}')

kill_pcscfd
mv "$RUN/pcscf.log" "$RUN/pcscf1.log"
background "$LAB_NS_PCSCF" "$RUN/pcscf.log" pcscfd -d -f "$RUN/pcscf.conf"
PCSCFD=$LAST_PID
wait_for_line "$RUN/pcscf.log" ready || fail "pcscfd did not start again: $(tail -n 3 "$RUN/pcscf.log")"
restored=$(grep -o 'state: [0-9]* signing keys restored' "$RUN/pcscf.log" | grep -o '[0-9]*' || true)
note "after the restart: $(grep -o 'state: [0-9]* signing keys.*' "$RUN/pcscf.log")"
expect_ge "signing keys restored" 1 "${restored:-0}"
grep -q "signing key $keyid " "$RUN/pcscf1.log" || fail "key $keyid was not made by the first pcscfd"

note "the old dialog after the restart: re-INVITEs both ways and the BYE"
step 1 "reinvite expect=200"
step 2 "reinvite expect=200"
step 1 "hangup expect=200"
failed=$(grep -c ': signature ' "$RUN/pcscf.log" || true)
expect_eq "failed signature checks after the restart" 0 "$failed"
after=$(status_line)
note "after the restart: $after"
echo "$after" | grep -q '^signing keys [1-9]' || fail "pcscfctl status shows no signing keys: '$after'"
inns "$LAB_NS_PCSCF" pcscfctl --json status | python3 -c '
import json, sys
s = json.load(sys.stdin)["signing"]
assert s["keys"] >= 1 and len(s["current"]) == 8 and s["age_s"] >= 0, s
' || fail "pcscfctl --json status has no valid signing object"

step 1 "deregister expect=200"
step 2 "deregister expect=200"

# A stored key altered behind pcscfd's back (a longer life): the parent cannot open it.
kill_pcscfd
rows=$(sqlite3 "$DB" 'SELECT count(*) FROM sign_key')
expect_ge "signing keys on disk" 1 "$rows"
sqlite3 "$DB" 'UPDATE sign_key SET expires = expires + 3600 WHERE rowid = (SELECT min(rowid) FROM sign_key)'
rc=0
inns "$LAB_NS_PCSCF" timeout 10 pcscfd -d -f "$RUN/pcscf.conf" >"$RUN/pcscf-bad.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "pcscfd started with an altered signing key"
grep -q "state database $DB: the sealed signing key [0-9a-f]\{8\} does not open" "$RUN/pcscf-bad.log" ||
	fail "no clear error for the altered signing key: $(tail -n 2 "$RUN/pcscf-bad.log")"
note "altered key: exit $rc, $(grep -o 'the sealed signing key.*' "$RUN/pcscf-bad.log" | head -n 1)"
sqlite3 "$DB" 'DELETE FROM sign_key'

ue_quit 1
ue_quit 2
rm -rf "$RUN"
