# t-hss-register — hss-stub as the S-CSCF in lab-scscf, on UDP and TCP over IPv6 and IPv4.
# The UEs here are bash: /dev/udp and /dev/tcp sockets carry hand-written SIP, RES comes
# from `hss-stub vector` with the UE's K and OPc and the RAND of the nonce, and the Digest
# AKAv1-MD5 response (RFC 3310, qop=auth) is computed with md5sum. Checked: the 401's
# challenge (AUTN for the next SQN, CK/IK of that vector), the 200's Service-Route,
# P-Associated-URI and Contact, the SQN in the database, a wrong response (403), a MESSAGE
# routed to the callee's registered contact, an unknown user (404), a REGISTER over TCP,
# and a clean stop on SIGTERM. (ue-sim's own direct test, t-uesim-direct, adds AUTS and
# the MESSAGE exchange between two real UEs.)
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 2

work=$(mktemp -d /tmp/t-hss-register.XXXXXX)
trap 'testlib_cleanup; rm -rf "$work"' EXIT
db=$work/hss.db
UE1_K=ceb82e634ee88d9f99f889e41bff9a6a UE1_OPC=6210adee92d89e49211c0bb0b8ef421a
UE2_K=df015b7c1d04027948b2b3191ef8ba5d UE2_OPC=7865b1a3fc4122b337d79a65337368cb
UE1=$(lab_ue_addr6 1) UE2_4=$(lab_ue_addr4 2)

hss-stub subscriber import --db "$db" --replace "$LAB_TESTS/../../etc/subscribers.example"
background "$LAB_NS_SCSCF" "$work/hss.log" hss-stub run --db "$db" \
	--listen "$SCSCF_CORE6" --listen "$SCSCF_CORE4" --log-level debug
HSS_PID=$LAST_PID
wait_for_line "$work/hss.log" "listening on tcp $SCSCF_CORE4:5060"

# sip_send NS PROTO HOST MESSAGE — send MESSAGE from NS to HOST:5060 over udp or tcp and
# print the first message that comes back on that socket within 3 s (nothing otherwise).
# dd writes the message with one write(), so that it is one datagram. ($(...) took the last
# LF of a message without body: it is put back.)
sip_send() {
	local msg=$4
	[ "${msg: -1}" != $'\r' ] || msg+=$'\n'
	printf '%s' "$msg" >"$work/out.sip"
	inns "$1" bash -c 'exec 3<>"/dev/$0/$1/5060" || exit 0
		dd bs=65536 count=1 iflag=fullblock status=none <"$2" >&3
		timeout 3 dd bs=65536 count=1 status=none <&3 || true' "$2" "$3" "$work/out.sip" |
		tr -d '\r'
}
status() { head -n 1 <<<"$1" | cut -d' ' -f2; }
header() { sed -n "s/^$2: //p" <<<"$1" | head -n 1; }
param() { sed -n "s/.*[ ,]$2=\"\\{0,1\\}\\([^\",]*\\).*/\\1/p" <<<"$1"; }
md5() { md5sum | cut -d' ' -f1; }
vector() { hss-stub vector --k "$1" --opc "$2" --sqn "$3" --rand "$4" | sed -n "s/^$5=//p"; }

# register_text UE HOST TRANSPORT CONTACT CSEQ [AUTHORIZATION] — a REGISTER from ueUE
register_text() {
	printf 'REGISTER sip:ims.test SIP/2.0\r\nVia: SIP/2.0/%s %s;branch=z9hG4bKt%s%s;rport\r\n' \
		"$3" "$2" "$1" "$5"
	printf 'Max-Forwards: 70\r\nFrom: <sip:ue%s@ims.test>;tag=f%s\r\nTo: <sip:ue%s@ims.test>\r\n' \
		"$1" "$1" "$1"
	printf 'Call-ID: t-hss-%s\r\nCSeq: %s REGISTER\r\nContact: %s\r\nExpires: 600\r\n' \
		"$1" "$5" "$4"
	[ -z "${6:-}" ] || printf 'Authorization: %s\r\n' "$6"
	printf 'Content-Length: 0\r\n\r\n'
}

# authorization IMPI K OPC NONCE [WRONG] — the UE's Digest AKAv1-MD5 credentials
authorization() {
	local hex xres ha1 ha2 response
	hex=$(printf '%s' "$4" | base64 -d | od -An -v -tx1 | tr -d ' \n')
	xres=$(vector "$2" "$3" 000000000000 "${hex:0:32}" xres)
	[ -z "${5:-}" ] || xres=0000000000000000
	ha1=$({ printf '%s:ims.test:' "$1"; printf "$(sed 's/../\\x&/g' <<<"$xres")"; } | md5)
	ha2=$(printf 'REGISTER:sip:ims.test' | md5)
	response=$(printf '%s:%s:00000001:0a4f113b:auth:%s' "$ha1" "$4" "$ha2" | md5)
	printf 'Digest username="%s", realm="ims.test", nonce="%s", uri="sip:ims.test", ' "$1" "$4"
	printf 'response="%s", algorithm=AKAv1-MD5, qop=auth, nc=00000001, cnonce="0a4f113b"' \
		"$response"
}

# --- ue1 over UDP/IPv6: the challenge
contact1="<sip:ue1@[$UE1]:5060>"
reply=$(sip_send "$(lab_ue_ns 1)" udp "$SCSCF_CORE6" "$(register_text 1 "[$UE1]:5060" UDP "$contact1" 1)")
expect_eq "first REGISTER of ue1" 401 "$(status "$reply")"
www=$(header "$reply" WWW-Authenticate)
expect_eq "realm" ims.test "$(param "$www" realm)"
expect_eq "algorithm" AKAv1-MD5 "$(param "$www" algorithm)"
expect_eq "qop" auth "$(param "$www" qop)"
nonce=$(param "$www" nonce)
hex=$(printf '%s' "$nonce" | base64 -d | od -An -v -tx1 | tr -d ' \n')
expect_eq "nonce length (RAND||AUTN)" 64 "${#hex}"
expect_eq "AUTN (SQN 000000000021)" "$(vector $UE1_K $UE1_OPC 000000000021 "${hex:0:32}" autn)" "${hex:32:32}"
expect_eq "ck" "$(vector $UE1_K $UE1_OPC 000000000021 "${hex:0:32}" ck)" "$(param "$www" ck)"
expect_eq "ik" "$(vector $UE1_K $UE1_OPC 000000000021 "${hex:0:32}" ik)" "$(param "$www" ik)"

# --- a wrong response burns the challenge
reply=$(sip_send "$(lab_ue_ns 1)" udp "$SCSCF_CORE6" "$(register_text 1 "[$UE1]:5060" UDP "$contact1" 2 \
	"$(authorization ue1@ims.test $UE1_K $UE1_OPC "$nonce" wrong)")")
expect_eq "REGISTER with a wrong RES" 403 "$(status "$reply")"

# --- the right response
reply=$(sip_send "$(lab_ue_ns 1)" udp "$SCSCF_CORE6" "$(register_text 1 "[$UE1]:5060" UDP "$contact1" 3)")
expect_eq "REGISTER again" 401 "$(status "$reply")"
nonce=$(param "$(header "$reply" WWW-Authenticate)" nonce)
reply=$(sip_send "$(lab_ue_ns 1)" udp "$SCSCF_CORE6" "$(register_text 1 "[$UE1]:5060" UDP "$contact1" 4 \
	"$(authorization ue1@ims.test $UE1_K $UE1_OPC "$nonce")")")
expect_eq "REGISTER with the right RES" 200 "$(status "$reply")"
expect_eq "Service-Route" "<sip:orig@scscf.ims.test;lr>" "$(header "$reply" Service-Route)"
expect_eq "P-Associated-URI" "<sip:ue1@ims.test>" "$(header "$reply" P-Associated-URI)"
expect_eq "Contact" "$contact1;expires=600" "$(header "$reply" Contact)"
expect_eq "SQN of ue1 in the database" 000000000022 \
	"$(hss-stub subscriber list --db "$db" | awk '$1 == "ue1@ims.test" {print $4}')"

# --- ue2 over UDP/IPv4, its contact on port 5070
contact2="<sip:ue2@$UE2_4:5070>"
reply=$(sip_send "$(lab_ue_ns 2)" udp "$SCSCF_CORE4" "$(register_text 2 "$UE2_4:5070" UDP "$contact2" 1)")
expect_eq "first REGISTER of ue2" 401 "$(status "$reply")"
nonce=$(param "$(header "$reply" WWW-Authenticate)" nonce)
reply=$(sip_send "$(lab_ue_ns 2)" udp "$SCSCF_CORE4" "$(register_text 2 "$UE2_4:5070" UDP "$contact2" 2 \
	"$(authorization ue2@ims.test $UE2_K $UE2_OPC "$nonce")")")
expect_eq "ue2 registered" 200 "$(status "$reply")"

# --- a MESSAGE from ue1 to ue2 reaches ue2's contact (from IPv6 to IPv4)
message() {
	printf 'MESSAGE sip:%s@ims.test SIP/2.0\r\nVia: SIP/2.0/UDP [%s]:5060;branch=z9hG4bKm%s;rport\r\n' \
		"$1" "$UE1" "$1"
	printf 'Route: <sip:orig@scscf.ims.test;lr>\r\nMax-Forwards: 70\r\n'
	printf 'From: <sip:ue1@ims.test>;tag=m1\r\nTo: <sip:%s@ims.test>\r\nCall-ID: t-hss-m-%s\r\n' "$1" "$1"
	printf 'CSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello'
}
background "$(lab_ue_ns 2)" "$work/ue2.log" labtool udp-recv "$UE2_4" 5070 1 4000
UE2_PID=$LAST_PID
wait_for_line "$work/ue2.log" listening
sip_send "$(lab_ue_ns 1)" udp "$SCSCF_CORE6" "$(message ue2)" >/dev/null
wait "$UE2_PID" || fail "the MESSAGE did not reach ue2's contact: $(tail -n 1 "$work/ue2.log")"
note "MESSAGE to sip:ue2@ims.test reached $UE2_4:5070"
reply=$(sip_send "$(lab_ue_ns 1)" udp "$SCSCF_CORE6" "$(message nobody)")
expect_eq "MESSAGE to an unknown user" 404 "$(status "$reply")"

# --- REGISTER over TCP (IPv4): answered on the connection
reply=$(sip_send "$(lab_ue_ns 1)" tcp "$SCSCF_CORE4" \
	"$(register_text 1 "$(lab_ue_addr4 1):5060" TCP "<sip:ue1@$(lab_ue_addr4 1):5060;transport=tcp>" 9)")
expect_eq "REGISTER over TCP" 401 "$(status "$reply")"

# --- SIGTERM stops it cleanly
kill -TERM "$HSS_PID"
wait "$HSS_PID" || fail "hss-stub exited with status $? on SIGTERM"
grep -q "signal 15: stopping" "$work/hss.log" || fail "no stop message in the log"
note "hss-stub stopped on SIGTERM"
