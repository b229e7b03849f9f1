// SPDX-License-Identifier: GPL-2.0-only
/* The checks of `lkvm-sev verify`, one function each, run in a fixed order. */
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sev/p384.h"
#include "sev/verify.h"
#include "sev/x509.h"
#include "util/hex.h"

#define CHAIN_MAX	4

/*
 * AMD's root keys (ARK) for SEV-SNP, by the SHA-384 of their
 * SubjectPublicKeyInfo: a chain that ends anywhere else is not AMD's. From
 * the ARK certificates AMD's KDS serves (as virtee/sev ships them).
 */
static const struct {
	const char *product;
	const char *key_sha384;
} amd_roots[] = {
	{ "Milan", "1249f67f15cf229a4069195e1a9ce537d1765ef706a1f4a1"
		   "23c36be9518786515d25ecc007f366b564d2b3f31c48082e" },
	{ "Genoa", "32ab53a6ce5ec14926207396e5c475ae768a6a9831b7e860"
		   "b5acf2e1c1dff222bc5a8bfc43eb5e06393189c1f246d880" },
	{ "Turin", "3475f08a9727f8ac9a1deaea5f2a2097aa59d64d05c2a678"
		   "c229c873e6359d3a6926287a2a22cd5f88a385e333a2fcc5" },
};

struct verify_ctx {
	const struct verify_in *in;
	struct verify_out *out;
	const struct snp_report *r;
	struct x509_cert vcek;
	bool have_vcek;
	struct x509_cert chain[CHAIN_MAX];
	int nr_chain;
	char signer[16];		/* "VCEK", "VLEK", "none" */
};

const char *check_status_name(enum check_status s)
{
	return s == CHECK_PASS ? "pass" : s == CHECK_FAIL ? "FAIL" : "skipped";
}

static void check(struct verify_ctx *c, const char *name, enum check_status status,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void check(struct verify_ctx *c, const char *name, enum check_status status,
		  const char *fmt, ...)
{
	struct check *k = &c->out->checks[c->out->nr_checks++];
	va_list ap;

	k->name = name;
	k->status = status;
	va_start(ap, fmt);
	vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
	va_end(ap);
	if (status == CHECK_FAIL)
		c->out->pass = false;
}

/* Whether the signing-key certificate is a VLEK's (cspID, or its name). */
static bool cert_is_vlek(const struct x509_cert *x)
{
	return x->csp_id || !strcmp(x->subject_cn, "SEV-VLEK");
}

static void check_report(struct verify_ctx *c)
{
	const struct snp_report *r = c->r;

	if (r->sig_algo != SNP_SIG_ALGO_ECDSA_P384_SHA384)
		return check(c, "report", CHECK_FAIL, "signature algorithm %u, not 1 (ECDSA P-384 "
			     "with SHA-384)", r->sig_algo);
	if (r->signing_key != SNP_SIGNING_VCEK && r->signing_key != SNP_SIGNING_VLEK)
		return check(c, "report", CHECK_FAIL, "signing key %s: neither the VCEK (0) nor "
			     "the VLEK (1) signed it", c->signer);
	check(c, "report", CHECK_PASS, "version %u, VMPL %u, signed by the %s with ECDSA P-384 "
	      "and SHA-384", r->version, r->vmpl, c->signer);
}

/* Why the --vcek certificate cannot have signed the report, or NULL. */
static const char *signer_mismatch(struct verify_ctx *c, char *why, size_t size)
{
	const struct x509_cert *v = &c->vcek;
	bool vlek = cert_is_vlek(v);

	if (c->r->signing_key != SNP_SIGNING_VCEK && c->r->signing_key != SNP_SIGNING_VLEK)
		snprintf(why, size, "the report names no key that signed it (signing key %s)",
			 c->signer);
	else if (vlek != (c->r->signing_key == SNP_SIGNING_VLEK))
		snprintf(why, size, "the report was signed by the %s, but --vcek %s is a %s "
			 "('%s')", c->signer, c->in->vcek, vlek ? "VLEK" : "VCEK", v->subject_cn);
	else if (v->key != X509_KEY_P384)
		snprintf(why, size, "--vcek %s ('%s') has no P-384 key", c->in->vcek,
			 v->subject_cn);
	else if (c->r->sig_algo != SNP_SIG_ALGO_ECDSA_P384_SHA384)
		snprintf(why, size, "signature algorithm %u is not ECDSA P-384 with SHA-384",
			 c->r->sig_algo);
	else
		return NULL;
	return why;
}

static bool report_signature_ok(struct verify_ctx *c)
{
	uint8_t digest[SHA384_DIGEST_SIZE], rr[P384_BYTES], ss[P384_BYTES];
	struct sha384_ctx ctx;
	struct p384_key key;
	bool ok;

	if (!sev_num_to_be(rr, c->r->raw + SNP_REPORT_SIG_R) ||
	    !sev_num_to_be(ss, c->r->raw + SNP_REPORT_SIG_S) ||
	    !p384_key_set_public(&key, c->vcek.ec_x, c->vcek.ec_y))
		return false;
	sha384_init(&ctx);
	sha384_update(&ctx, SNP_REPORT_SIGNED_LEN, c->r->raw);
	sha384_digest(&ctx, sizeof(digest), digest);
	ok = p384_verify_digest(&key, digest, rr, ss);
	p384_key_free(&key);
	return ok;
}

static void check_signature(struct verify_ctx *c)
{
	char why[512], product[X509_NAME_MAX + 8] = "";

	if (!c->have_vcek)
		return check(c, "signature", CHECK_SKIP, "no --vcek: the report is not "
			     "authenticated (status 12)");
	if (signer_mismatch(c, why, sizeof(why)))
		return check(c, "signature", CHECK_FAIL, "%s", why);
	if (c->vcek.product[0])
		snprintf(product, sizeof(product), ", %s", c->vcek.product);
	if (!report_signature_ok(c))
		return check(c, "signature", CHECK_FAIL, "bytes 0x000-0x29f and r, s at 0x2a0 do "
			     "not verify with the key of '%s'%s: the report was changed, or "
			     "another key signed it", c->vcek.subject_cn, product);
	check(c, "signature", CHECK_PASS, "ECDSA P-384 with SHA-384 over bytes 0x000-0x29f "
	      "verifies with the key of '%s'%s", c->vcek.subject_cn, product);
}

/* AMD's product whose root @ark is, or NULL with @hex its key's SHA-384. */
static const char *amd_root(const struct x509_cert *ark, char hex[2 * 48 + 1])
{
	uint8_t sum[48];
	size_t i;

	x509_key_sha384(ark, sum);
	hex_encode(hex, sum, sizeof(sum));
	for (i = 0; i < sizeof(amd_roots) / sizeof(amd_roots[0]); i++)
		if (!strcmp(hex, amd_roots[i].key_sha384))
			return amd_roots[i].product;
	return NULL;
}

static void check_chain(struct verify_ctx *c)
{
	const struct x509_cert *ask = &c->chain[0], *ark = &c->chain[1];
	char why[512], hex[2 * 48 + 1];
	const char *product;

	if (!c->have_vcek)
		return check(c, "chain", CHECK_SKIP, "no --vcek");
	if (!c->nr_chain)
		return check(c, "chain", CHECK_SKIP, "no --chain: the %s is not checked against "
			     "AMD's keys, so the report is not authenticated (status 12)", c->signer);
	if (!x509_signed_by(&c->vcek, ask, why, sizeof(why)) ||
	    !x509_signed_by(ask, ark, why, sizeof(why)) ||
	    !x509_signed_by(ark, ark, why, sizeof(why)))
		return check(c, "chain", CHECK_FAIL, "%s", why);
	product = amd_root(ark, hex);
	if (!product)
		return check(c, "chain", CHECK_FAIL, "'%s' is none of AMD's roots (Milan, Genoa, "
			     "Turin): its key's SHA-384 is %s", ark->subject_cn, hex);
	check(c, "chain", CHECK_PASS, "'%s' signed by '%s', '%s' by '%s', '%s' by itself "
	      "(RSASSA-PSS with SHA-384): AMD's root for %s", c->vcek.subject_cn,
	      ask->subject_cn, ask->subject_cn, ark->subject_cn, ark->subject_cn, product);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void check_chip_id(struct verify_ctx *c)
{
	const struct x509_cert *v = &c->vcek;
	char report[2 * 64 + 1], cert[2 * X509_HWID_MAX + 1];

	if (!c->have_vcek)
		return check(c, "chip_id", CHECK_SKIP, "no --vcek");
	if (cert_is_vlek(v))
		return check(c, "chip_id", CHECK_SKIP, "a VLEK is not bound to one chip");
	if (!v->hwid_len)
		return check(c, "chip_id", CHECK_FAIL, "'%s' has no hwID (extension "
			     "1.3.6.1.4.1.3704.1.4) to compare it with", v->subject_cn);
	hex_encode(report, c->r->chip_id, sizeof(c->r->chip_id));
	if (all_zero(c->r->chip_id, sizeof(c->r->chip_id)))
		return check(c, "chip_id", CHECK_SKIP, "the report's chip_id is masked (all "
			     "zero)");
	hex_encode(cert, v->hwid, v->hwid_len);
	/* Turin's hwID is the first 8 bytes of the chip ID, the rest zero. */
	if (memcmp(c->r->chip_id, v->hwid, v->hwid_len) ||
	    !all_zero(c->r->chip_id + v->hwid_len, sizeof(c->r->chip_id) - v->hwid_len))
		return check(c, "chip_id", CHECK_FAIL, "report %s, VCEK hwID %s", report, cert);
	check(c, "chip_id", CHECK_PASS, "%s, the VCEK's hwID", report);
}

/* The VCEK's SPLs as a TCB; false with @why when one is missing. */
static bool cert_tcb(const struct x509_cert *v, bool fmc, struct snp_tcb *t, char *why,
		     size_t size)
{
	static const struct {
		int arc;
		const char *name;
	} spls[] = {
		{ AMD_SPL_BOOTLOADER, "bootloader" }, { AMD_SPL_TEE, "tee" },
		{ AMD_SPL_SNP, "snp" }, { AMD_SPL_MICROCODE, "microcode" }, { AMD_SPL_FMC, "fmc" },
	};
	size_t i;

	for (i = 0; i < sizeof(spls) / sizeof(spls[0]); i++) {
		if (spls[i].arc == AMD_SPL_FMC && !fmc)
			continue;
		if (!(v->spl_mask & 1U << spls[i].arc)) {
			snprintf(why, size, "'%s' has no %s SPL (extension "
				 "1.3.6.1.4.1.3704.1.3.%d)", v->subject_cn, spls[i].name, spls[i].arc);
			return false;
		}
	}
	*t = (struct snp_tcb){
		.has_fmc = fmc, .fmc = fmc ? v->spl[AMD_SPL_FMC] : 0,
		.bootloader = v->spl[AMD_SPL_BOOTLOADER], .tee = v->spl[AMD_SPL_TEE],
		.snp = v->spl[AMD_SPL_SNP], .microcode = v->spl[AMD_SPL_MICROCODE],
	};
	return true;
}

static void check_tcb(struct verify_ctx *c)
{
	enum snp_tcb_layout layout = snp_report_tcb_layout(c->r, c->vcek.product);
	char why[256], report[128], cert[128];
	struct snp_tcb rt, vt;

	if (!c->have_vcek)
		return check(c, "reported_tcb", CHECK_SKIP, "no --vcek");
	if (layout == SNP_TCB_UNKNOWN)
		return check(c, "reported_tcb", CHECK_FAIL, "0x%llx: its layout is unknown "
			     "(CPUID family 0x%x, product '%s')",
			     (unsigned long long)c->r->reported_tcb, c->r->cpuid_family,
			     c->vcek.product);
	if (!cert_tcb(&c->vcek, layout == SNP_TCB_FAMILY_1AH, &vt, why, sizeof(why)))
		return check(c, "reported_tcb", CHECK_FAIL, "%s", why);
	snp_tcb_decode(c->r->reported_tcb, layout, &rt);
	snp_tcb_format(&rt, report, sizeof(report));
	snp_tcb_format(&vt, cert, sizeof(cert));
	if (rt.fmc != vt.fmc || rt.bootloader != vt.bootloader || rt.tee != vt.tee ||
	    rt.snp != vt.snp || rt.microcode != vt.microcode)
		return check(c, "reported_tcb", CHECK_FAIL, "report 0x%llx (%s), %s %s",
			     (unsigned long long)c->r->reported_tcb, report, c->signer, cert);
	check(c, "reported_tcb", CHECK_PASS, "0x%llx: %s, the %s's SPLs",
	      (unsigned long long)c->r->reported_tcb, report, c->signer);
}

/* A field of @n bytes against the expected value, both named in hex. */
static void check_bytes(struct verify_ctx *c, const char *name, const uint8_t *report,
			const uint8_t *want, size_t n, const char *from)
{
	char got[2 * 64 + 1], exp[2 * 64 + 1];

	hex_encode(got, report, n);
	if (!want)
		return check(c, name, CHECK_SKIP, "no %s", from);
	hex_encode(exp, want, n);
	if (memcmp(report, want, n))
		return check(c, name, CHECK_FAIL, "report %s, expected %s (%s)", got, exp, from);
	check(c, name, CHECK_PASS, "%s (%s)", got, from);
}

static void check_policy(struct verify_ctx *c)
{
	if (!c->in->policy_given)
		return check(c, "policy", CHECK_SKIP, "no --policy");
	if (c->r->policy != c->in->policy)
		return check(c, "policy", CHECK_FAIL, "report 0x%llx, expected 0x%llx (--policy)",
			     (unsigned long long)c->r->policy,
			     (unsigned long long)c->in->policy);
	check(c, "policy", CHECK_PASS, "0x%llx (--policy)", (unsigned long long)c->r->policy);
}

/* --chain: ASK then ARK (as AMD's KDS serves cert_chain); the other order too. */
static int read_chain(struct verify_ctx *c, struct lk_err *err)
{
	const struct verify_in *in = c->in;
	struct x509_cert tmp;

	if (!in->chain)
		return 0;
	if (x509_read_file("--chain", in->chain, c->chain, CHAIN_MAX, &c->nr_chain, err))
		return -1;
	if (c->nr_chain != 2)
		return err_set(err, LK_EXIT_USAGE, "--chain %s: %d certificate%s, but a chain is "
			       "the ASK and the ARK", in->chain, c->nr_chain,
			       c->nr_chain == 1 ? "" : "s");
	if (!strcmp(c->chain[0].subject_cn, c->chain[0].issuer_cn) &&
	    strcmp(c->chain[1].subject_cn, c->chain[1].issuer_cn)) {
		tmp = c->chain[0];
		c->chain[0] = c->chain[1];
		c->chain[1] = tmp;
	}
	return 0;
}

static void verify_ctx_free(struct verify_ctx *c)
{
	int i;

	if (c->have_vcek)
		x509_free(&c->vcek);
	for (i = 0; i < c->nr_chain; i++)
		x509_free(&c->chain[i]);
}

/*
 * Whatever else passed, a report is only verified once its signature and the
 * signer's chain to AMD's root were checked: without them every field in it
 * could have been written by anyone.
 */
static bool verify_authenticated(const struct verify_out *out)
{
	int i, ok = 0;

	for (i = 0; i < out->nr_checks; i++)
		if ((!strcmp(out->checks[i].name, "signature") ||
		     !strcmp(out->checks[i].name, "chain")) &&
		    out->checks[i].status == CHECK_PASS)
			ok++;
	return ok == 2;
}

int verify_report(const struct verify_in *in, struct verify_out *out, struct lk_err *err)
{
	struct verify_ctx c = { .in = in, .out = out, .r = &out->report };
	char name[16];
	int n;

	memset(out, 0, sizeof(*out));
	out->pass = true;
	if (snp_report_read(in->report, &out->report, err))
		return -1;
	if (in->vcek) {
		if (x509_read_file("--vcek", in->vcek, &c.vcek, 1, &n, err))
			return -1;
		c.have_vcek = true;
		snprintf(out->product, sizeof(out->product), "%s", c.vcek.product);
	}
	if (read_chain(&c, err)) {
		verify_ctx_free(&c);
		return -1;
	}
	snprintf(c.signer, sizeof(c.signer), "%s",
		 snp_signing_key_name(c.r->signing_key, name, sizeof(name)));
	check_report(&c);
	check_signature(&c);
	check_chain(&c);
	check_chip_id(&c);
	check_tcb(&c);
	check_bytes(&c, "measurement", c.r->measurement, in->digest, sizeof(c.r->measurement),
		    in->digest ? in->digest_from : "--expect-digest or launch options");
	check_bytes(&c, "host_data", c.r->host_data, in->host_data, sizeof(c.r->host_data),
		    "--host-data");
	check_policy(&c);
	verify_ctx_free(&c);
	out->pass = out->pass && verify_authenticated(out);
	return 0;
}
