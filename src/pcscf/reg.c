/*
 * reg.c — the registration store: two singly linked lists, newest first.
 */
#include "pcscf/reg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void reg_store_init(struct reg_store *s)
{
	memset(s, 0, sizeof(*s));
	s->next_id = 1;
}

void reg_store_clear(struct reg_store *s)
{
	while (s->regs)
		reg_free(s, s->regs);
	while (s->pending)
		reg_pending_free(s, s->pending);
}

struct reg *reg_new(struct reg_store *s)
{
	struct reg *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->id = s->next_id++;
	r->next = s->regs;
	s->regs = r;
	s->nregs++;
	return r;
}

void reg_free(struct reg_store *s, struct reg *r)
{
	struct reg **pp;

	for (pp = &s->regs; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			s->nregs--;
			free(r);
			return;
		}
	}
}

struct reg *reg_find_id(struct reg_store *s, uint64_t id)
{
	struct reg *r;

	for (r = s->regs; r && id; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

bool reg_sa_covers(const struct reg_sa *sa, const struct xfrm_addr *addr)
{
	return xfrm_addr_in_prefix(addr, &sa->ue.addr, sa->prefix_len);
}

bool reg_sa_has_addr(const struct reg_sa *sa, const struct xfrm_addr *addr)
{
	size_t i;

	if (xfrm_addr_equal(&sa->ue.addr, addr))
		return true;
	for (i = 0; i < sa->naddrs; i++)
		if (xfrm_addr_equal(&sa->addrs[i], addr))
			return true;
	return false;
}

int reg_sa_note_addr(struct reg_sa *sa, const struct xfrm_addr *addr)
{
	if (reg_sa_has_addr(sa, addr))
		return 0;
	if (sa->naddrs == REG_ADDRS_MAX)
		return -E2BIG;
	sa->addrs[sa->naddrs++] = *addr;
	return 0;
}

struct reg *reg_find_addr(struct reg_store *s, const struct xfrm_addr *addr)
{
	struct reg *r;

	for (r = s->regs; r; r = r->next)
		if (r->cur.reqid && reg_sa_covers(&r->cur, addr))
			return r;
	return NULL;
}

struct reg_pending *reg_pending_new(struct reg_store *s)
{
	struct reg_pending *pd = calloc(1, sizeof(*pd));

	if (!pd)
		return NULL;
	pd->id = s->next_id++;
	pd->next = s->pending;
	s->pending = pd;
	s->npending++;
	return pd;
}

void reg_pending_free(struct reg_store *s, struct reg_pending *pd)
{
	struct reg_pending **pp;

	for (pp = &s->pending; *pp; pp = &(*pp)->next) {
		if (*pp == pd) {
			*pp = pd->next;
			s->npending--;
			free(pd);
			return;
		}
	}
}

struct reg_pending *reg_pending_find_id(struct reg_store *s, uint64_t id)
{
	struct reg_pending *pd;

	for (pd = s->pending; pd && id; pd = pd->next)
		if (pd->id == id)
			return pd;
	return NULL;
}

struct reg_pending *reg_pending_find_call_id(struct reg_store *s, const char *call_id, size_t len)
{
	struct reg_pending *pd;

	for (pd = s->pending; pd; pd = pd->next)
		if (strlen(pd->call_id) == len && memcmp(pd->call_id, call_id, len) == 0)
			return pd;
	return NULL;
}

static bool reg_sa_matches(const struct reg_sa *sa, const struct xfrm_addr *addr, uint16_t port,
			   bool from_port_c)
{
	if (!sa->reqid || !reg_sa_covers(sa, addr))
		return false;
	return port == (from_port_c ? sa->ue.port_c : sa->ue.port_s);
}

enum reg_which reg_match(struct reg_store *s, const struct xfrm_addr *addr, uint16_t port,
			 bool from_port_c, struct reg **reg, struct reg_pending **pending)
{
	struct reg_pending *pd;
	struct reg *r;

	*reg = NULL;
	*pending = NULL;
	for (r = s->regs; r; r = r->next) {
		*reg = r;
		if (reg_sa_matches(&r->cur, addr, port, from_port_c))
			return REG_SA_CUR;
		if (reg_sa_matches(&r->old, addr, port, from_port_c))
			return REG_SA_OLD;
	}
	*reg = NULL;
	for (pd = s->pending; pd; pd = pd->next) {
		if (reg_sa_matches(&pd->sa, addr, port, from_port_c)) {
			*pending = pd;
			*reg = reg_find_id(s, pd->reg_id);
			return REG_SA_PENDING;
		}
	}
	return REG_SA_NONE;
}

bool reg_sign_note(struct reg_sign *s, enum sign_result r, uint64_t now_ms, uint32_t rate)
{
	if (r <= SIGN_OK || r >= SIGN_RESULT_COUNT)
		return false;
	s->failed++;
	s->by_reason[r]++;
	s->last = r;
	s->last_ms = now_ms;
	if (!s->window_n || now_ms - s->window_ms >= REG_SIGN_WINDOW_MS)
		s->window_ms = now_ms, s->window_n = 0;
	s->window_n++;
	return rate && s->window_n == rate;
}

bool reg_sign_over_rate(const struct reg_sign *s, uint64_t now_ms, uint32_t rate)
{
	return rate && s->window_n >= rate && now_ms - s->window_ms < REG_SIGN_WINDOW_MS;
}
