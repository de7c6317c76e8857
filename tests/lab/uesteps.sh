# uesteps.sh — long-lived ue-sim processes fed one step at a time through FIFOs, and
# pcscfd's counters; sourced by tests after testlib.sh. Uses $RUN (the test's directory)
# and $RUN/pcscf.log (pcscfd's log, shown when a step fails).
#
#   ims_start CONF                hss-stub (etc/subscribers.example) and pcscfd -f CONF; PCSCFD
#   ue_start N [UE-SIM-OPTION…]   ue-sim for ueN in its namespace, stdout $RUN/ueN.out
#   step N LINE                   give ueN one step; fail unless its result line is "ok"
#   ue_quit N                     end ueN (it deletes its SAs)
#   pcscfd_counter PID LOG NAME   NAME's value in the SIGUSR1 log of pcscfd PID's SIP child

# ims_start CONF — the S-CSCF (hss-stub with the example subscribers, logging to $RUN/hss.log)
# and pcscfd with CONF ($RUN/pcscf.log, its pid in PCSCFD), both ready
ims_start() {
	local root
	root=$(cd "$LAB_TESTS/../.." && pwd)
	hss-stub subscriber import --db "$RUN/hss.db" --replace "$root/etc/subscribers.example" >/dev/null
	background "$LAB_NS_SCSCF" "$RUN/hss.log" hss-stub run --db "$RUN/hss.db" \
		--listen "[$SCSCF_CORE6]:5060" --domain ims.test
	wait_for_line "$RUN/hss.log" listening
	background "$LAB_NS_PCSCF" "$RUN/pcscf.log" pcscfd -d -f "$1"
	PCSCFD=$LAST_PID
	wait_for_line "$RUN/pcscf.log" ready
}

# ue_start N [UE-SIM-OPTION…] — ueN (subscriber ueN) at its stable address, steps from a FIFO
ue_start() {
	local n=$1 fd
	shift
	mkfifo "$RUN/ue$n.in"
	exec {fd}<>"$RUN/ue$n.in"
	eval "UE${n}_FD=$fd"
	background "$(lab_ue_ns "$n")" "$RUN/ue$n.out" ue-sim "$@" --ue "ue$n" \
		--local "$(lab_ue_addr6 "$n")" --steps "$RUN/ue$n.in"
}

# step_results N — how many result lines ueN printed
step_results() { grep -c '^\(ok\|done\|FAIL\) ' "$RUN/ue$1.out" || true; }

# step N LINE — give ueN one step; wait (up to STEP_WAIT s, default 60) for its result line
step() {
	local n=$1 line=$2 fd before last try
	fd=$(eval echo "\$UE${n}_FD")
	before=$(step_results "$n")
	echo "$line" >&"$fd"
	for try in $(seq $((${STEP_WAIT:-60} * 20))); do
		[ "$(step_results "$n")" -gt "$before" ] && break
		sleep 0.05
	done
	last=$(grep '^\(ok\|done\|FAIL\) ' "$RUN/ue$n.out" | tail -n 1)
	[ "$(step_results "$n")" -gt "$before" ] || last="(nothing)"
	note "ue$n: $line -> $last"
	case "$last" in
	ok*) ;;
	*)
		cat "$RUN/ue$n.out" >&2
		tail -n 20 "$RUN/pcscf.log" >&2
		fail "ue$n: $line: $last"
		;;
	esac
}

# ue_quit N — end ueN
ue_quit() { echo quit >&"$(eval echo "\$UE${1}_FD")"; }

# pcscfd_counter PID LOG NAME — ask pcscfd PID's SIP child for its counters (SIGUSR1, logged
# to LOG); NAME's value
pcscfd_counter() {
	local pid=$1 log=$2 name=$3 lines try
	lines=$(grep -c "$name=" "$log" || true)
	kill -USR1 $(pgrep -P "$pid")
	for try in $(seq 100); do
		[ "$(grep -c "$name=" "$log" || true)" -gt "$lines" ] && break
		sleep 0.05
	done
	grep -o "$name=[0-9]*" "$log" | tail -n 1 | cut -d= -f2
}
