# benchlib.sh — what the benchmarks under bench/ share (sourced after testlib.sh): ue-sim
# load runs in ue1's namespace and CPU time per namespace. Needs $RUN, $BASE, $WINDOW.

# load NAME N OPTIONS… — a ue-sim load run in ue1's namespace; its last line goes to stdout
load() {
	local name=$1 n=$2
	shift 2
	if ! inns "$(lab_ue_ns 1)" ue-sim --load "$n" --local "$BASE" --dev eth0 \
		--window "$WINDOW" --no-refresh "$@" >"$RUN/$name.out" 2>"$RUN/$name.err"; then
		cat "$RUN/$name.out" >&2
		head -n 20 "$RUN/$name.err" >&2
		tail -n 20 "$RUN/pcscf.log" >&2
		fail "$name: the load run failed"
	fi
	sed "s/^/# $name: /" "$RUN/$name.out" | grep -v "# $name: ues=" >&2
	tail -n 1 "$RUN/$name.out"
}
# field KEY — the value of KEY in the key=value line on stdin
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
# cpu_s NS — CPU seconds (user + system) used so far by the processes in NS
cpu_s() {
	local pid ticks=0 t
	for pid in $(ip netns pids "$1"); do
		t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
		ticks=$((ticks + ${t:-0}))
	done
	awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}
