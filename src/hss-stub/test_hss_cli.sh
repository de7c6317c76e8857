#!/bin/sh
# test_hss_cli.sh — runs the built hss-stub and prints TAP.
#
# hss-stub is taken from $HSS_STUB, else ./src/hss-stub/hss-stub (make check runs tests from
# the build directory). The example subscriber file is found through $srcdir (set by make).
# Expected values are TS 35.208 test set 1; AUTN's first half is computed here with shell
# arithmetic (SQN xor AK), not by hss-stub.

HSS=${HSS_STUB:-./src/hss-stub/hss-stub}
SRCDIR=${srcdir:-.}
EXAMPLE=$SRCDIR/etc/subscribers.example
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_hss_cli.XXXXXX") || exit 99
trap 'rm -rf "$TMP"' EXIT
DB=$TMP/hss.db
unset HSS_STUB_DB

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# check DESC CONDITION: CONDITION is shell code, evaluated after the last run.
check() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# rc=$rc; stderr:"
		sed 's/^/# /' "$TMP/err" 2>/dev/null
	fi
}
run() { "$HSS" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }

if [ ! -x "$HSS" ]; then
	echo "1..0 # SKIP $HSS not built"
	exit 0
fi

K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
OPC=cd63cb71954a9f4e48a5994e37a02baf
RAND=23553cbe9637a89d218ae64dae47bf35
SQN=ff9bb4d0b607
AMF=b9b9
CONC=$(printf '%012x' $((0x$SQN ^ 0xaa689c648370)))
cat >"$TMP/set1" <<END_OF_FILE
rand=$RAND
autn=${CONC}${AMF}4a9ffac354dfafb3
xres=a54211d5e3ba50bf
ck=b40ba9a3c58b2a05bbf0d987b21bf8cb
ik=f769bcd751044604127672711c6d3441
ak=aa689c648370
mac_a=4a9ffac354dfafb3
END_OF_FILE

# ---- vector ----
run vector --k $K --op $OP --amf $AMF --sqn $SQN --rand $RAND
check "vector --op reproduces TS 35.208 test set 1" \
	'[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/set1"'
run vector --k $K --opc $OPC --amf $AMF --sqn $SQN --rand $RAND
check "vector --opc reproduces TS 35.208 test set 1" \
	'[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/set1"'
run vector --k=$(echo $K | tr a-f A-F) --opc=$OPC --amf=$AMF --sqn=$SQN --rand=$RAND
check "vector accepts upper-case hex and --opt=value" \
	'[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/set1"'

run vector --k ${K%?} --opc $OPC --sqn $SQN
check "a 31-digit --k is refused with exit 2 and a reason" \
	'[ $rc -eq 2 ] && grep -q -- "--k: expected 32 hex digits, got 31" "$TMP/err"'
run vector --k $K --opc $OPC --sqn $SQN --rand 23553cbe9637a89d218ae64dae47bfzz
check "a non-hex --rand is refused with exit 2" \
	'[ $rc -eq 2 ] && grep -q -- "--rand: expected 32 hex digits, character 31" "$TMP/err"'
run vector --k $K --opc $OPC --sqn $SQN --amf 8000a
check "a 5-digit --amf is refused with exit 2" '[ $rc -eq 2 ] && grep -q -- "--amf:" "$TMP/err"'
run vector --k $K --opc $OPC --sqn ""
check "an empty --sqn is refused with exit 2" '[ $rc -eq 2 ] && grep -q -- "--sqn:" "$TMP/err"'
run vector --k $K --op $OP --opc $OPC --sqn $SQN
check "--op with --opc is refused with exit 2" '[ $rc -eq 2 ]'
run vector --k $K --opc $OPC
check "a missing --sqn is refused with exit 2" \
	'[ $rc -eq 2 ] && grep -q -- "missing --sqn" "$TMP/err"'
run vector --k $K --opc $OPC --sqn $SQN --colour red
check "an unknown option is refused with exit 2" \
	'[ $rc -eq 2 ] && grep -q -- "--colour" "$TMP/err"'
run vector --k $K --opc $OPC --sqn $SQN
check "without --rand, RAND is random" \
	'[ $rc -eq 0 ] && ! grep -q "rand=$RAND" "$TMP/out" && [ "$(wc -l <"$TMP/out")" -eq 7 ]'
run frobnicate
check "an unknown command exits 2" '[ $rc -eq 2 ]'
run vector --help
check "vector --help exits 0 with a usage" '[ $rc -eq 0 ] && grep -q "^usage:" "$TMP/out"'

# ---- subscriber add / list / del ----
run subscriber add --db "$DB" --impi ue1@ims.test --impu sip:ue1@ims.test --impu tel:+15550001 \
	--k $K --op $OP
check "subscriber add creates the database" '[ $rc -eq 0 ] && [ -f "$DB" ]'
check "the database file is mode 0600" '[ "$(stat -c %a "$DB")" = 600 ]'
if command -v sqlite3 >/dev/null 2>&1; then
	check "the database is in WAL mode" '[ "$(sqlite3 "$DB" "PRAGMA journal_mode")" = wal ]'
	check "the schema version is recorded" \
		'[ "$(sqlite3 "$DB" "SELECT version FROM schema_version")" = 1 ]'
else
	skip "the database is in WAL mode" "no sqlite3 command"
	skip "the schema version is recorded" "no sqlite3 command"
fi
run subscriber list --db "$DB"
check "subscriber list shows IMPI, key type, AMF, SQN and IMPUs" \
	'[ $rc -eq 0 ] && grep -Eq "^ue1@ims.test +op +8000 +000000000000 +sip:ue1@ims.test,tel:\+15550001$" "$TMP/out"'
check "subscriber list shows neither K nor OP nor OPc" '! grep -Eqi "$K|$OP|$OPC" "$TMP/out"'
run subscriber add --db "$DB" --impi ue1@ims.test --impu sip:other@ims.test --k $K --opc $OPC
check "adding an existing IMPI fails with exit 1" \
	'[ $rc -eq 1 ] && grep -q "IMPI ue1@ims.test already exists" "$TMP/err"'
run subscriber add --db "$DB" --impi ue2@ims.test --impu sip:ue1@ims.test --k $K --opc $OPC
check "adding an IMPU in use fails with exit 1" \
	'[ $rc -eq 1 ] && grep -q "IMPU sip:ue1@ims.test is already in use" "$TMP/err"'
run subscriber add --db "$DB" --impi ue2@ims.test --impu ue2@ims.test --k $K --opc $OPC
check "an IMPU that is not a URI is refused with exit 2" '[ $rc -eq 2 ]'
run subscriber add --db "$DB" --impi ue2@ims.test --impu sip:ue2@ims.test --k $K --opc ${OPC}0
check "a 33-digit --opc is refused with exit 2" '[ $rc -eq 2 ] && grep -q -- "--opc:" "$TMP/err"'
run subscriber list --db "$DB"
check "failed adds left nothing behind" \
	'[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 2 ] && ! grep -q ue2 "$TMP/out"'

# ---- vector from the database ----
run vector --db "$DB" --impi ue1@ims.test --rand $RAND
sqn=$(sed -n 's/^sqn=//p' "$TMP/out")
autn=$(sed -n 's/^autn=//p' "$TMP/out")
ak=$(sed -n 's/^ak=//p' "$TMP/out")
check "vector --impi takes the next SQN" '[ $rc -eq 0 ] && [ "$sqn" = 000000000001 ]'
check "its AUTN conceals that SQN" \
	'[ -n "$autn" ] && [ $((0x$(echo "$autn" | cut -c1-12) ^ 0x$ak)) -eq 1 ]'
check "its RES is test set 1 RES (same K, OPc, RAND)" \
	'grep -q "^xres=a54211d5e3ba50bf$" "$TMP/out"'
run vector --db "$DB" --impi ue1@ims.test
check "a second vector takes the SQN after that" \
	'[ $rc -eq 0 ] && grep -q "^sqn=000000000002$" "$TMP/out"'
run vector --db "$DB" --impi nobody@ims.test
check "vector --impi for an unknown IMPI exits 1" '[ $rc -eq 1 ]'

run subscriber del --db "$DB" --impi ue1@ims.test
check "subscriber del succeeds" '[ $rc -eq 0 ]'
run subscriber list --db "$DB"
check "the deleted subscriber is gone" '[ $rc -eq 0 ] && ! grep -q ue1@ims.test "$TMP/out"'
run subscriber del --db "$DB" --impi ue1@ims.test
check "deleting it again exits 1" '[ $rc -eq 1 ]'

# ---- import ----
HSS_STUB_DB=$DB
export HSS_STUB_DB
run subscriber import "$EXAMPLE"
check "the example file imports 8 subscribers (database from \$HSS_STUB_DB)" \
	'[ $rc -eq 0 ] && grep -q "^imported 8 subscribers$" "$TMP/out"'
run subscriber list
cp "$TMP/out" "$TMP/list-before"
check "all 8 are listed with SQN 000000000020" \
	'[ "$(grep -Ec "^ue[1-8]@ims.test +opc +8000 +000000000020 +sip:ue[1-8]@ims.test$" "$TMP/out")" -eq 8 ]'
keys=$(sed -n 's/.* k=\([0-9a-f]*\) opc=\([0-9a-f]*\).*/\1|\2/p' "$EXAMPLE" | paste -sd'|')
check "no key of the example file is listed" '[ -n "$keys" ] && ! grep -Eqi "$keys" "$TMP/out"'

cat >"$TMP/bad.txt" <<END_OF_FILE
# two good lines, then mistakes
impi=new1@ims.test impu=sip:new1@ims.test k=$K opc=$OPC
impi=new2@ims.test impu=sip:new2@ims.test k=$K op=$OP amf=9001 sqn=000000000100

impi=new3@ims.test impu=sip:new3@ims.test k=$K
impi=new4@ims.test impu=sip:new4@ims.test k=$K opc=$OPC colour=red
END_OF_FILE
run subscriber import "$TMP/bad.txt"
check "importing a bad file exits 1" '[ $rc -eq 1 ]'
check "every error is reported as FILE:LINE: reason" \
	'grep -q "bad.txt:5: missing op or opc" "$TMP/err" &&
	 grep -q "bad.txt:6: unknown field .colour." "$TMP/err"'
run subscriber list
check "a bad file changes nothing" 'cmp -s "$TMP/out" "$TMP/list-before"'

cat >"$TMP/conflict.txt" <<END_OF_FILE
impi=new1@ims.test impu=sip:new1@ims.test k=$K opc=$OPC
impi=ue3@ims.test impu=sip:ue3b@ims.test k=$K opc=$OPC
END_OF_FILE
run subscriber import "$TMP/conflict.txt"
check "an IMPI already in the database fails the whole import" \
	'[ $rc -eq 1 ] && grep -q "conflict.txt:2: IMPI ue3@ims.test already exists" "$TMP/err"'
run subscriber list
check "and changes nothing" 'cmp -s "$TMP/out" "$TMP/list-before"'
run subscriber import --replace "$TMP/conflict.txt"
check "with --replace the same file imports" \
	'[ $rc -eq 0 ] && grep -q "^imported 2 subscribers$" "$TMP/out"'
run subscriber list
check "and ue3 now has the new IMPU" 'grep -Eq "^ue3@ims.test .* sip:ue3b@ims.test$" "$TMP/out"'
run subscriber import
check "import without FILE exits 2" '[ $rc -eq 2 ]'
check "the database file is still mode 0600" '[ "$(stat -c %a "$DB")" = 600 ]'

echo "1..$n"
exit 0
