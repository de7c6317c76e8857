# t-pcscf-privsep — pcscfd's privilege separation against the real kernel: the child that
# parses SIP runs as nobody and cannot touch IPsec itself; the parent installs what the
# limits allow and refuses the rest with the reason.
. "$(dirname "$0")/testlib.sh"
"$LABNET" up 1
inns "$LAB_NS_PCSCF" privsep_probe
expect_eq "objects left (the guard)" "sas=0 policies=8" "$(xfrm_count "$LAB_NS_PCSCF")"
