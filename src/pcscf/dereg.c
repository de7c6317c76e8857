/*
 * dereg.c — the administrative de-registration of `pcscfctl deregister`: pcscfd tells the
 * S-CSCF on the UE's behalf with a de-REGISTER built the way the UE's own REGISTER goes
 * through us (TS 24.229 §5.2.2): Request-URI the home domain (the IMPI's realm), our Path,
 * Authorization with the IMPI and integrity-protected="yes" (§7.2A.2: the UE was registered
 * over its SAs, and the S-CSCF then needs no new challenge, §5.4.1.2.1), Contact expires=0
 * and Expires: 0 (RFC 3261 §10.2.2).
 *
 * It is our own request, so it has a new Call-ID and CSeq 1: the UE's last CSeq is not
 * kept, and a binding changed under another Call-ID is simply changed (RFC 3261 §10.3 step
 * 7). It goes from our Via as a non-INVITE client transaction (RFC 3261 §17.1.2): over UDP
 * it is sent again after T1, 2*T1, ... up to T2 (as finely as pcscf_tick() comes) until a
 * final response, and given up after 64*T1. The registration and its SAs do not wait for
 * the answer; the answer is only logged.
 */
#include "pcscf/pcscf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define DEREG_T1_MS 500
#define DEREG_T2_MS 4000

/** One de-REGISTER waiting for its final response. */
struct dereg {
	struct dereg *next;
	char branch[TXN_BRANCH_MAX];
	char impu[REG_URI_MAX];
	struct pcscf_peer to;
	uint64_t resend_ms, give_up_ms;
	uint32_t interval_ms;
	size_t len;
	char buf[]; /* the request, for retransmissions */
};

static void dereg_free(struct pcscf *p, struct dereg *d)
{
	for (struct dereg **pp = &p->deregs; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			free(d);
			return;
		}
	}
}

void dereg_clear(struct pcscf *p)
{
	while (p->deregs)
		dereg_free(p, p->deregs);
}

/* The Authorization of the de-REGISTER: no challenge answered, integrity-protected. */
static void dereg_authorization(struct sip_util_out *o, const char *impi, const char *realm)
{
	sip_util_out_header(o, "Authorization",
			    "Digest username=\"%s\", realm=\"%s\", uri=\"sip:%s\", nonce=\"\", "
			    "response=\"\", integrity-protected=\"yes\"",
			    impi, realm, realm);
}

/* The de-REGISTER for @r into @buf with our Via's @branch: its length, or -errno. */
static int dereg_build(struct pcscf *p, const struct reg *r, const char *branch, char *buf,
		       size_t size)
{
	char host[SIP_UTIL_ADDR_SIZE], ruri[REG_URI_MAX + 8], from[REG_URI_MAX + 2];
	char tag[12], call_id[40];
	const char *realm = strchr(r->impi, '@');
	struct sip_util_request req = {
		.method = "REGISTER",
		.ruri = ruri,
		.transport = p->scscf.proto == SIP_PROTO_TCP ? "TCP" : "UDP",
		.via_host = host,
		.via_port = sip_util_sockaddr_port(&p->scscf.local),
		.branch = branch,
		.from = from,
		.from_tag = tag,
		.to = from,
		.call_id = call_id,
		.cseq = 1,
		.max_forwards = -1,
	};
	struct sip_util_out o;

	if (!realm || !realm[1])
		return -EINVAL; /* no home domain to send it to */
	realm++;
	snprintf(ruri, sizeof(ruri), "sip:%s", realm);
	snprintf(from, sizeof(from), "<%s>", r->impu);
	memcpy(call_id, "dereg-", 6);
	if (sip_util_host_format(&p->scscf.local, host, sizeof(host), true) < 0 ||
	    sip_util_random_token(tag, sizeof(tag), 10) < 0 ||
	    sip_util_random_token(call_id + 6, sizeof(call_id) - 6, 24) < 0)
		return -EINVAL;
	sip_util_out_init(&o, buf, size);
	sip_util_request_start(&o, &req);
	if (r->contact[0])
		sip_util_out_header(&o, "Contact", "<%s>;expires=0", r->contact);
	else
		sip_util_out_header(&o, "Contact", "*"); /* RFC 3261 §10.2.2 */
	sip_util_out_header(&o, "Expires", "0");
	sip_util_out_header(&o, "Path", "%s", p->path);
	sip_util_out_header(&o, "Supported", "path");
	dereg_authorization(&o, r->impi, realm);
	return sip_util_out_finish(&o, NULL, 0);
}

/* Remember the request in p->out: a transaction for its responses and an entry for
 * resending it. */
static struct dereg *dereg_track(struct pcscf *p, const struct reg *r, const char *branch,
				 size_t len)
{
	struct dereg *d = calloc(1, sizeof(*d) + len);
	struct txn *x = d ? txn_add(&p->txns, branch, false, p->now_ms + PCSCF_TXN_MS) : NULL;

	if (!x) {
		free(d);
		return NULL;
	}
	x->kind = TXN_DEREGISTER;
	x->reg_id = r->id;
	x->to_ue = true; /* its responses come from the core side */
	x->sent_by = p->scscf.local;
	snprintf(d->branch, sizeof(d->branch), "%s", branch);
	snprintf(d->impu, sizeof(d->impu), "%s", r->impu);
	d->to = p->scscf;
	d->interval_ms = DEREG_T1_MS;
	d->resend_ms = p->now_ms + DEREG_T1_MS;
	d->give_up_ms = p->now_ms + PCSCF_TXN_MS;
	d->len = len;
	memcpy(d->buf, p->out, len);
	d->next = p->deregs;
	p->deregs = d;
	return d;
}

int dereg_send(struct pcscf *p, const struct reg *r)
{
	char branch[TXN_BRANCH_MAX] = PCSCF_BRANCH_PREFIX "d";
	size_t pre = strlen(branch);
	struct dereg *d;
	int len;

	if (!r->impi[0])
		return -ENODATA;
	if (sip_util_random_token(branch + pre, sizeof(branch) - pre, 20) < 0)
		return -EIO;
	len = dereg_build(p, r, branch, p->out, sizeof(p->out));
	if (len < 0) {
		log_warn_ret(len, "cannot write the de-REGISTER of %s (IMPI %s)", r->impu, r->impi);
		return len;
	}
	d = dereg_track(p, r, branch, (size_t)len);
	if (!d) {
		log_err("out of memory for the de-REGISTER of %s", r->impu);
		return -ENOMEM;
	}
	if (fwd_send(p, &p->scscf, p->out, (size_t)len) < 0) {
		dereg_free(p, d); /* logged; reported as not told, so not resent either */
		return -EIO;
	}
	log_info("de-REGISTER of %s (IMPI %s) sent to the S-CSCF", r->impu, r->impi);
	return 0;
}

static struct dereg *dereg_find(struct pcscf *p, const char *branch)
{
	for (struct dereg *d = p->deregs; d; d = d->next)
		if (strcmp(d->branch, branch) == 0)
			return d;
	return NULL;
}

void dereg_response(struct pcscf *p, const struct pcscf_in *in, const struct txn *x)
{
	const struct sip_msg *msg = in->msg;
	struct dereg *d = dereg_find(p, x->branch);

	if (!d) {
		p->st.drop_no_txn++; /* a retransmitted final response: done already */
		return;
	}
	if (msg->status < 200) {
		d->interval_ms = DEREG_T2_MS; /* Proceeding (RFC 3261 §17.1.2.2) */
		return;
	}
	if (msg->status < 300)
		log_info("the S-CSCF de-registered %s: %d %.*s", d->impu, msg->status,
			 (int)msg->reason.len, msg->reason.s);
	else
		log_warn("the S-CSCF refused the de-REGISTER of %s: %d %.*s (it keeps its "
			 "binding until it expires)",
			 d->impu, msg->status, (int)msg->reason.len, msg->reason.s);
	dereg_free(p, d);
}

void dereg_tick(struct pcscf *p)
{
	struct dereg *d, *next;

	for (d = p->deregs; d; d = next) {
		next = d->next;
		if (p->now_ms >= d->give_up_ms) {
			log_warn("no final response from the S-CSCF to the de-REGISTER of %s in "
				 "%u s: it keeps its binding until it expires",
				 d->impu, PCSCF_TXN_MS / 1000);
			dereg_free(p, d);
		} else if (d->to.proto == SIP_PROTO_UDP && p->now_ms >= d->resend_ms) {
			fwd_send(p, &d->to, d->buf, d->len);
			d->interval_ms =
				d->interval_ms * 2 > DEREG_T2_MS ? DEREG_T2_MS : d->interval_ms * 2;
			d->resend_ms = p->now_ms + d->interval_ms;
		}
	}
}
