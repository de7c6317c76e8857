# pcscflib.sh — what the pcscfd network tests share (sourced after testlib.sh).

# pcscflib_hss WORK — hss-stub with etc/subscribers.example in the S-CSCF namespace,
# its database in WORK; returns once it listens
pcscflib_hss() {
	hss-stub subscriber import --db "$1/hss.db" --replace "$LAB_TESTS/../../etc/subscribers.example" >/dev/null
	background "$LAB_NS_SCSCF" "$1/hss.log" hss-stub run --db "$1/hss.db" \
		--listen "$SCSCF_CORE6" --listen "$SCSCF_CORE4"
	wait_for_line "$1/hss.log" "listening on tcp $SCSCF_CORE4:5060"
}

# pcscflib_work NAME — a scratch directory, removed (with every background process) on exit
pcscflib_work() {
	work=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 755 "$work"
	trap 'exec 7>&- 2>/dev/null; testlib_cleanup; rm -rf "$work"' EXIT
}
