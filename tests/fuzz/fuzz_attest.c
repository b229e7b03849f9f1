// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: SEV-SNP attestation, as `lkvm-sev verify` checks a
 * report (verify_report()) from the files it is given: the report
 * (snp_report_parse()), the VCEK and the ASK/ARK chain, PEM or DER
 * (der_file_read(), x509_decode() with AMD's extensions), the report's
 * ECDSA P-384 signature under the VCEK's key, the chain's RSA-PSS
 * signatures, the chip ID, the TCB versions and the expected fields; then
 * each TCB as every product's layout words it. And `run --snp-certs FILE`'s
 * certificate table (snp_certs_load()): its entries, GUIDs and placement.
 *
 * Input: a flags byte (bit 0 --vcek, bit 1 --chain, bit 2 an expected
 * measurement, bit 3 host data, bit 4 a policy, bit 5 the chain's bytes as
 * a certificate table instead), a u16 length and the report, a u16 length
 * and the VCEK, then the chain. The files are memfds, reached by
 * /proc/self/fd paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sev/certs.h"
#include "sev/verify.h"
#include "tests/fuzz/fuzz.h"

/* A memfd holding @n bytes at @p, its path in @path; -1 if the host refuses. */
static int memfile(const uint8_t *p, size_t n, char *path, size_t size)
{
	int fd = memfd_create("fuzz-attest", MFD_CLOEXEC);

	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n)) {
		perror("fuzz_attest: memfd");
		abort();
	}
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

static const uint8_t *blob(struct fz_in *in, size_t *n)
{
	const uint8_t *p;

	*n = (size_t)fz_get(in, 2);
	if (*n > in->n)
		*n = in->n;
	p = in->p;
	in->p += *n;
	in->n -= *n;
	return p;
}

/* Each TCB of the report in each layout, as verify's output words them. */
static void words(const struct snp_report *r, const char *product)
{
	const uint64_t tcbs[] = { r->current_tcb, r->reported_tcb, r->committed_tcb,
				  r->launch_tcb };
	char text[128], name[16];
	struct snp_tcb t;
	size_t i;

	for (i = 0; i < sizeof(tcbs) / sizeof(tcbs[0]); i++) {
		snp_tcb_decode(tcbs[i], snp_report_tcb_layout(r, product), &t);
		snp_tcb_format(&t, text, sizeof(text));
	}
	snp_signing_key_name(r->signing_key, name, sizeof(name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zeros[48];
	struct fz_in in = { data, size };
	unsigned int flags = (unsigned int)fz_get(&in, 1);
	char report[32], vcek[32], chain[32];
	const uint8_t *rp, *vp;
	struct verify_out *out;
	struct verify_in vin;
	size_t rn, vn;
	struct lk_err err;
	int fds[3];

	rp = blob(&in, &rn);
	vp = blob(&in, &vn);
	fds[0] = memfile(rp, rn, report, sizeof(report));
	fds[1] = memfile(vp, vn, vcek, sizeof(vcek));
	fds[2] = memfile(in.p, in.n, chain, sizeof(chain));
	vin = (struct verify_in){
		.report = report, .vcek = flags & 1 ? vcek : NULL,
		.chain = flags & 2 ? chain : NULL, .digest = flags & 4 ? zeros : NULL,
		.digest_from = "--expect-digest", .host_data = flags & 8 ? zeros : NULL,
		.policy_given = flags & 16, .policy = 0x30000,
	};
	if (flags & 0x20) {
		struct snp_certs certs;

		if (!snp_certs_load(&certs, "--snp-certs", chain, &err))
			snp_certs_release(&certs);
		vin.chain = NULL;
	}
	out = malloc(sizeof(*out));
	if (!out)
		abort();
	if (!verify_report(&vin, out, &err))
		words(&out->report, out->product);
	free(out);
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	return 0;
}
