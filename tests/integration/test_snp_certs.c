// SPDX-License-Identifier: GPL-2.0-only
/*
 * `run --sev-snp --snp-certs PATH` (issue 15): on the simulated SEV host, a
 * guest's extended report request (the script's certs: step) leaves KVM as
 * KVM_EXIT_SNP_REQ_CERTS, and the bytes the guest then finds at its buffer
 * (the host's log hashes them) must be exactly the GHCB certificate table
 * built here, independently, from ../shared/vectors/snp's AMD certificates;
 * too small a buffer gets ENOSPC and the pages needed, a private or
 * non-RAM one EIO. Bad tables and directories, a file under another
 * process's write lock, the option without --sev-snp: status 2 with what is
 * wrong; a kernel before 7.0: 125 with caps' reason. The read lock is held
 * while the guest runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "tests/hostsim/test_hostsim.h"
#include "tests/json_check.h"
#include "tests/tests.h"

#define OVMF		"/usr/share/ovmf/OVMF.fd"
#define BUF_GPA		0x100000ULL
#define ENTRY		24

/* The GHCB specification's GUIDs, as written; the table holds them in this byte order. */
#define GUID_VCEK	"63da758d-e664-4564-adc5-f4b93be8accd"
#define GUID_VLEK	"a8074bc2-a25a-483e-aae6-39c045a0b8a1"
#define GUID_ASK	"4ab7b379-bbac-4fe4-a02f-05aef327c782"
#define GUID_ARK	"c0b406a4-a803-4952-9743-3fb6014cd0ae"

struct cert {
	const char *guid;
	uint8_t *der;
	size_t len;
};

/* VCEK, ASK, ARK of ../shared/vectors/snp, as DER. */
static struct cert vcek = { GUID_VCEK }, ask = { GUID_ASK }, ark = { GUID_ARK };

static void pem_to_der(const char *pem, struct cert *c)
{
	const char *b = strstr(pem, "-----BEGIN CERTIFICATE-----"), *e;
	struct base64_decode_ctx ctx;

	ck_assert_ptr_nonnull(b);
	b += strlen("-----BEGIN CERTIFICATE-----");
	e = strstr(b, "-----END CERTIFICATE-----");
	ck_assert_ptr_nonnull(e);
	c->der = malloc(BASE64_DECODE_LENGTH((size_t)(e - b)));
	ck_assert_ptr_nonnull(c->der);
	base64_decode_init(&ctx);
	ck_assert(base64_decode_update(&ctx, &c->len, c->der, (size_t)(e - b), b));
	ck_assert(base64_decode_final(&ctx));
}

/* False, with a SKIP line, where ../shared is not beside the clone. */
static bool certs_vectors(const char *test)
{
	char path[4096];
	size_t n;
	char *pem;

	snprintf(path, sizeof(path), "%s", hs_shared("vectors/snp/vcek_milan.der"));
	if (access(path, R_OK)) {
		tests_skip(test, "%s is absent (../shared beside the clone)", path);
		return false;
	}
	if (vcek.der)
		return true;
	vcek.der = test_read_file(path, &vcek.len);
	pem = test_read_file(hs_shared("vectors/snp/ask_milan.pem"), &n);
	pem_to_der(pem, &ask);
	free(pem);
	pem = test_read_file(hs_shared("vectors/snp/ark_milan.pem"), &n);
	pem_to_der(pem, &ark);
	free(pem);
	return true;
}

static void guid_bytes(const char *text, uint8_t *out)
{
	int i = 0;

	for (; *text; text++) {
		if (*text == '-')
			continue;
		ck_assert_int_eq(sscanf(text, "%2hhx", &out[i++]), 1);
		text++;
	}
	ck_assert_int_eq(i, 16);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* x86: little-endian, as the table */
}

/* The GHCB table of @n certificates in this order, each right after the last. */
static uint8_t *table_of(const struct cert *const *c, int n, size_t *len)
{
	size_t off = (size_t)(n + 1) * ENTRY;
	uint8_t *t;
	int i;

	*len = off;
	for (i = 0; i < n; i++)
		*len += c[i]->len;
	t = calloc(1, *len);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < n; i++) {
		guid_bytes(c[i]->guid, t + i * ENTRY);
		put32(t + i * ENTRY + 16, (uint32_t)off);
		put32(t + i * ENTRY + 20, (uint32_t)c[i]->len);
		memcpy(t + off, c[i]->der, c[i]->len);
		off += c[i]->len;
	}
	return t;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* lkvm-sev-dyn run --sev-snp --snp-certs @certs, the guest's @script, then @extra. */
static void run_certs(struct hs_proc *p, const char *certs, const char *script,
		      const char *const *env, const char *const *extra)
{
	const char *args[24] = { "run", "--sev-snp", "--firmware", OVMF, "--snp-certs", certs };
	const char *envs[8] = { NULL };
	char s[512];
	int i, n = 6;

	snprintf(s, sizeof(s), "HOSTSIM_SCRIPT=%s", script);
	envs[0] = s;
	for (i = 0; env && env[i]; i++)
		envs[i + 1] = env[i];
	for (i = 0; extra && extra[i]; i++)
		args[n++] = extra[i];
	hs_spawn(p, LKVM_BIN "-dyn", envs, args);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/*
 * The host's record of a request answered with 0: the guest's @npages at
 * BUF_GPA, shared, hold @table and then zeros (memory the guest never wrote).
 */
static void assert_served(const char *log, uint64_t npages, const uint8_t *table, size_t len)
{
	uint8_t *buf = calloc(npages, 4096), digest[SHA256_DIGEST_SIZE];
	char want[1024], sum[2 * SHA256_DIGEST_SIZE + 1], head[129];
	struct sha256_ctx h;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, table, len);
	sha256_init(&h);
	sha256_update(&h, npages * 4096, buf);
	sha256_digest(&h, sizeof(digest), digest);
	hex(sum, digest, sizeof(digest));
	hex(head, buf, 64);
	snprintf(want, sizeof(want), "\"event\":\"certs-completed\",\"gpa\":\"%#llx\","
		 "\"npages_asked\":%llu,\"npages\":%llu,\"ret\":0,\"ret_name\":\"0\",\"shared\":1,"
		 "\"hashed_pages\":%llu,\"sha256\":\"%s\",\"head\":\"%s\"}",
		 BUF_GPA, (unsigned long long)npages, (unsigned long long)npages,
		 (unsigned long long)npages, sum, head);
	ck_assert_msg(strstr(log, want), "not served as expected: %s\nin\n%s", want, log);
	free(buf);
}

static uint64_t pages_of(size_t len)
{
	return (len + 4095) / 4096;
}

/* A table file in any order (ARK first): the guest gets exactly the file. */
START_TEST(snp_certs_table_file)
{
	const struct cert *order[] = { &ark, &ask, &vcek };
	static struct hs_proc p;
	char dir[64], path[128], script[256];
	uint64_t npages;
	size_t len, size;
	uint8_t *t;
	char *log;

	if (!certs_vectors("snp-certs table_file"))
		return;
	t = table_of(order, 3, &len);
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/certs.bin", dir);
	write_file(path, t, len);
	/* A page more than needed: the rest stays the guest's. */
	npages = pages_of(len) + 1;
	snprintf(script, sizeof(script), "psc:shared:%#llx:%llu;certs:%#llx:%llu;acpi-off",
		 BUF_GPA, (unsigned long long)npages, BUF_GPA, (unsigned long long)npages);
	run_certs(&p, path, script, NULL, NULL);
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	log = test_read_file(p.log, &size);
	ck_assert_ptr_nonnull(strstr(log, "\"cmd\":\"KVM_SEV_SNP_ENABLE_REQ_CERTS\""));
	assert_served(log, npages, t, len);
	free(log);
	free(t);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* A directory (vcek.der, ask.pem, ark.pem): the table lkvm-sev builds, VCEK first. */
START_TEST(snp_certs_directory)
{
	const struct cert *order[] = { &vcek, &ask, &ark };
	static struct hs_proc p;
	char dir[64], path[128], script[256];
	uint64_t npages;
	size_t len, size;
	uint8_t *t;
	char *log, *pem;

	if (!certs_vectors("snp-certs directory"))
		return;
	t = table_of(order, 3, &len);
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/vcek.der", dir);
	write_file(path, vcek.der, vcek.len);
	pem = test_read_file(hs_shared("vectors/snp/ask_milan.pem"), &size);
	snprintf(path, sizeof(path), "%s/ask.pem", dir);
	write_file(path, pem, size);
	free(pem);
	pem = test_read_file(hs_shared("vectors/snp/ark_milan.pem"), &size);
	snprintf(path, sizeof(path), "%s/ark.pem", dir);
	write_file(path, pem, size);
	free(pem);
	npages = pages_of(len);
	snprintf(script, sizeof(script), "psc:shared:%#llx:%llu;certs:%#llx:%llu;acpi-off",
		 BUF_GPA, (unsigned long long)npages, BUF_GPA, (unsigned long long)npages);
	run_certs(&p, dir, script, NULL, NULL);
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	log = test_read_file(p.log, &size);
	assert_served(log, npages, t, len);
	free(log);
	free(t);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/*
 * What a request gets when it cannot be served: too small a buffer (none at
 * all included) ENOSPC with the pages needed; private memory, or no RAM,
 * EIO. --report counts each answer.
 */
START_TEST(snp_certs_answers)
{
	const struct cert *order[] = { &vcek, &ask, &ark };
	static struct hs_proc p;
	char dir[64], path[128], report[128], script[512], want[256], got[64];
	unsigned long long need;
	size_t len, size;
	uint8_t *t;
	char *log, *doc;

	if (!certs_vectors("snp-certs answers"))
		return;
	t = table_of(order, 3, &len);
	need = pages_of(len);
	ck_assert_uint_gt(need, 1);
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/certs.bin", dir);
	snprintf(report, sizeof(report), "%s/report.json", dir);
	write_file(path, t, len);
	snprintf(script, sizeof(script), "certs:%#llx:%llu;certs:%#llx:0;certs:%#llx:%llu;"
		 "certs:0xfe000000:%llu;psc:shared:%#llx:%llu;certs:%#llx:%llu;acpi-off",
		 BUF_GPA, need - 1, BUF_GPA, BUF_GPA, need, need, BUF_GPA, need, BUF_GPA, need);
	run_certs(&p, path, script, NULL, (const char *[]){ "--report", report, NULL });
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	log = test_read_file(p.log, &size);
	snprintf(want, sizeof(want), "\"npages_asked\":%llu,\"npages\":%llu,\"ret\":28,"
		 "\"ret_name\":\"ENOSPC\"}", need - 1, need);
	ck_assert_msg(strstr(log, want), "%s", log);
	snprintf(want, sizeof(want), "\"npages_asked\":0,\"npages\":%llu,\"ret\":28,", need);
	ck_assert_msg(strstr(log, want), "%s", log);
	snprintf(want, sizeof(want), "\"gpa\":\"%#llx\",\"npages_asked\":%llu,\"npages\":%llu,"
		 "\"ret\":5,\"ret_name\":\"EIO\"}", BUF_GPA, need, need);
	ck_assert_msg(strstr(log, want), "private buffer: %s", log);
	snprintf(want, sizeof(want), "\"gpa\":\"0xfe000000\",\"npages_asked\":%llu,"
		 "\"npages\":%llu,\"ret\":5,", need, need);
	ck_assert_msg(strstr(log, want), "buffer outside RAM: %s", log);
	assert_served(log, need, t, len);
	doc = test_read_file(report, &size);
	ck_assert(json_get(doc, "sev.snp_certs.served", got, sizeof(got)));
	ck_assert_str_eq(got, "1");
	ck_assert(json_get(doc, "sev.snp_certs.too_small", got, sizeof(got)));
	ck_assert_str_eq(got, "2");
	ck_assert(json_get(doc, "sev.snp_certs.failed", got, sizeof(got)));
	ck_assert_str_eq(got, "2");
	ck_assert(json_get(doc, "sev.snp_certs.certificates.2", got, sizeof(got)));
	ck_assert_str_eq(got, "ARK");
	snprintf(script, sizeof(script), "python3 %s/tests/report_check.py "
		 "%s/doc/report.schema.json %s", SRC_DIR, SRC_DIR, report);
	ck_assert_msg(system(script) == 0, "report not valid");
	free(doc);
	free(log);
	free(t);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* Without --snp-certs nothing is enabled: KVM keeps the request (no exit). */
START_TEST(snp_certs_off_without_option)
{
	static struct hs_proc p;
	size_t size;
	char *log;

	hs_spawn(&p, LKVM_BIN "-dyn", (const char *[]){ "HOSTSIM_SCRIPT=certs:0x100000:4;acpi-off",
							 NULL },
		 (const char *[]){ "run", "--sev-snp", "--firmware", OVMF, NULL });
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	log = test_read_file(p.log, &size);
	ck_assert_ptr_null(strstr(log, "\"cmd\":\"KVM_SEV_SNP_ENABLE_REQ_CERTS\""));
	ck_assert_ptr_nonnull(strstr(log, "\"event\":\"certs-not-forwarded\""));
	free(log);
	hs_done(&p);
}
END_TEST

/* A table file spoiled one way; @says follows "--snp-certs PATH: " in the message. */
struct bad_table {
	const char *name;
	const char *says;
};

static const struct bad_table bad_tables[] = {
	{ "truncated", "entry 2 (ARK), " },
	{ "offset inside the table", "entry 1 (ASK) is at offset 10, inside the table, which "
				     "ends at 96" },
	{ "unterminated", "no all-zero entry ends the certificate table in its 72 bytes" },
	{ "no VCEK", "no VCEK or VLEK entry" },
	{ "unknown GUID", "entry 2 has an unknown GUID c0b406a4-a803-4952-9743-3fb6014cd0af" },
	{ "overlap", "entries 0 (VCEK) and 1 (ASK) overlap" },
	{ "length 0", "entry 2 (ARK) has length 0" },
	{ "twice", "entry 1 is a second VCEK" },
	{ "too short", "no all-zero entry ends the certificate table in its 10 bytes" },
	{ "empty", "empty file" },
};

/* The bytes of bad table @i, built from a good one. */
static uint8_t *bad_table(int i, size_t *len)
{
	const struct cert *order[] = { &vcek, &ask, &ark };
	const struct cert *two[] = { &ask, &ark };
	const char *name = bad_tables[i].name;
	uint8_t *t = table_of(order, 3, len);

	if (!strcmp(name, "truncated"))
		*len -= 100;
	else if (!strcmp(name, "offset inside the table"))
		put32(t + ENTRY + 16, 10);
	else if (!strcmp(name, "unterminated"))
		*len = 3 * ENTRY;
	else if (!strcmp(name, "unknown GUID"))
		t[2 * ENTRY + 15] ^= 1;
	else if (!strcmp(name, "overlap"))
		memcpy(t + ENTRY + 16, t + 16, 4);
	else if (!strcmp(name, "length 0"))
		put32(t + 2 * ENTRY + 20, 0);
	else if (!strcmp(name, "twice"))
		memcpy(t + ENTRY, t, 16);
	else if (!strcmp(name, "too short"))
		*len = 10;
	else if (!strcmp(name, "empty"))
		*len = 0;
	if (!strcmp(name, "no VCEK")) {
		free(t);
		t = table_of(two, 2, len);
	}
	return t;
}

START_TEST(snp_certs_bad_table)
{
	static struct hs_proc p;
	char dir[64], path[128], want[512];
	size_t len;
	uint8_t *t;

	if (!certs_vectors("snp-certs bad_table"))
		return;
	t = bad_table(_i, &len);
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/certs.bin", dir);
	write_file(path, t, len);
	run_certs(&p, path, "acpi-off", NULL, NULL);
	snprintf(want, sizeof(want), "lkvm-sev: --snp-certs %s: %s", path, bad_tables[_i].says);
	ck_assert_msg(p.status == 2 && strstr(p.err, want), "%s: status %d, no '%s' in\n%s",
		      bad_tables[_i].name, p.status, want, p.err);
	free(t);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* A directory spoiled one way: its files (NAME=what), what is said after "--snp-certs ". */
struct bad_dir {
	const char *files[3];
	const char *says;
};

static const struct bad_dir bad_dirs[] = {
	{ { "ask.pem=ask" }, "DIR: no vcek.der or vlek.der (nor .pem) in it" },
	{ { "vcek.der=vcek", "vcek.pem=garbage" }, "DIR: both vcek.der and vcek.pem: give one" },
	{ { "vcek.der=vcek", "ask.pem=chain" }, "DIR/ask.pem: 2 certificates in it: give one a "
						"file" },
	{ { "vcek.der=garbage" }, "DIR/vcek.der: not a DER Certificate" },
	{ { "vcek.der=vcek", "ark.pem=no end" }, "DIR/ark.pem: the PEM block CERTIFICATE has no "
						 "END line" },
	{ { "vcek.der=vcek", "ark.pem=garbage" }, "DIR/ark.pem: not a DER Certificate" },
	{ { "vcek.der=vcek", "ask.der=vcek" }, "DIR/ask.der: its key is P-384 (subject SEV-VCEK), "
					       "but an ASK's is RSA" },
	{ { "vcek.der=ask" }, "DIR/vcek.der: its key is RSA (subject SEV-Milan), but a VCEK's is "
			      "P-384" },
};

static void bad_dir_file(const char *dir, const char *spec)
{
	char path[128], name[32];
	const char *what = strchr(spec, '=') + 1;
	size_t n;
	char *text;

	snprintf(name, sizeof(name), "%.*s", (int)(what - spec - 1), spec);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!strcmp(what, "vcek")) {
		write_file(path, vcek.der, vcek.len);
		return;
	}
	if (!strcmp(what, "garbage")) {
		write_file(path, "not a certificate\n", 18);
		return;
	}
	text = test_read_file(hs_shared(!strcmp(what, "chain") ? "vectors/snp/cert_chain_milan.pem"
						     : "vectors/snp/ask_milan.pem"), &n);
	if (!strcmp(what, "no end"))
		n = (size_t)(strstr(text, "-----END") - text);
	write_file(path, text, n);
	free(text);
}

START_TEST(snp_certs_bad_dir)
{
	const struct bad_dir *c = &bad_dirs[_i];
	static struct hs_proc p;
	char dir[64], says[256], want[512], *at;
	int i;

	if (!certs_vectors("snp-certs bad_dir"))
		return;
	test_dir_create(dir, sizeof(dir));
	for (i = 0; i < 3 && c->files[i]; i++)
		bad_dir_file(dir, c->files[i]);
	snprintf(says, sizeof(says), "%s", c->says);
	at = strstr(says, "DIR");
	snprintf(want, sizeof(want), "lkvm-sev: --snp-certs %.*s%s%s", (int)(at - says), says, dir,
		 at + 3);
	run_certs(&p, dir, "acpi-off", NULL, NULL);
	ck_assert_msg(p.status == 2 && strstr(p.err, want), "case %d: status %d, no '%s' in\n%s",
		      _i, p.status, want, p.err);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

static int ofd_write_lock(int fd)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	return fcntl(fd, F_OFD_SETLK, &lk);
}

/* A tool updating the certificates holds a write lock: lkvm-sev waits for nobody. */
START_TEST(snp_certs_write_locked)
{
	const struct cert *order[] = { &vcek, &ask, &ark };
	static struct hs_proc p;
	char dir[64], path[128], want[256];
	size_t len;
	uint8_t *t;
	int fd;

	if (!certs_vectors("snp-certs write_locked"))
		return;
	t = table_of(order, 3, &len);
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/certs.bin", dir);
	write_file(path, t, len);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ofd_write_lock(fd), 0);
	run_certs(&p, path, "acpi-off", NULL, NULL);
	snprintf(want, sizeof(want), "lkvm-sev: --snp-certs %s: another process holds a write "
		 "lock on it", path);
	ck_assert_msg(p.status == 2 && strstr(p.err, want), "status %d\n%s", p.status, p.err);
	close(fd);
	free(t);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* While the guest runs, a writer's lock is refused; once it stopped, granted. */
struct lock_probe {
	const char *path, *log;
	bool saw_guest, refused;
};

static void *lock_probe(void *arg)
{
	struct lock_probe *lp = arg;
	size_t size;
	int i, fd;

	for (i = 0; i < 2000 && !lp->saw_guest; i++) {
		char *log = access(lp->log, R_OK) ? NULL : test_read_file(lp->log, &size);

		lp->saw_guest = log && strstr(log, "\"exit\":\"IO\"");
		free(log);
		if (!lp->saw_guest)
			usleep(10000);
	}
	fd = open(lp->path, O_RDWR);
	lp->refused = fd >= 0 && ofd_write_lock(fd) && errno == EAGAIN;
	if (fd >= 0)
		close(fd);
	return NULL;
}

START_TEST(snp_certs_lock_held)
{
	const struct cert *order[] = { &vcek, &ask, &ark };
	static struct hs_proc p;
	char dir[64], path[128], log[128], env[160];
	struct lock_probe lp;
	pthread_t th;
	size_t len;
	uint8_t *t;
	int fd;

	if (!certs_vectors("snp-certs lock_held"))
		return;
	t = table_of(order, 3, &len);
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/certs.bin", dir);
	snprintf(log, sizeof(log), "%s/hostsim.log", dir);
	snprintf(env, sizeof(env), "HOSTSIM_LOG=%s", log);
	write_file(path, t, len);
	lp = (struct lock_probe){ .path = path, .log = log };
	ck_assert_int_eq(pthread_create(&th, NULL, lock_probe, &lp), 0);
	run_certs(&p, path, "serial:up\\n;hlt", (const char *[]){ env, NULL },
		  (const char *[]){ "--timeout", "2", NULL });
	pthread_join(th, NULL);
	ck_assert_msg(p.status == 124, "status %d\n%s", p.status, p.err);
	ck_assert_msg(lp.saw_guest, "the guest never ran");
	ck_assert_msg(lp.refused, "a write lock was granted while the guest ran");
	fd = open(path, O_RDWR);
	ck_assert_int_eq(ofd_write_lock(fd), 0);
	close(fd);
	free(t);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* Only SNP guests ask for certificates. */
START_TEST(snp_certs_needs_snp)
{
	static const char *const modes[] = { NULL, "--sev", "--sev-es" };
	static struct hs_proc p;
	const char *args[8] = { "run", "--snp-certs", "/nonexistent" };

	args[3] = modes[_i];
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, args);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(strstr(p.err, "lkvm-sev: --snp-certs: only SNP guests ask the host for "
			      "certificates (--sev-snp)\n"), "%s", p.err);
	hs_done(&p);
}
END_TEST

/* A kernel before 7.0: caps says so and why, and run stops with 125 and the same reason. */
START_TEST(snp_certs_old_kernel)
{
	static const char why[] = "this kernel has no KVM_X86_SEV_SNP_REQ_CERTS attribute "
				  "(added in Linux 7.0)";
	const char *const old[] = { "HOSTSIM_SNP_REQ_CERTS=0", NULL };
	static struct hs_proc p;
	char want[512], got[256], dir[64], path[128];

	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "caps", NULL });
	ck_assert_ptr_nonnull(strstr(p.out, "SNP certificate requests     yes: "
					    "KVM_X86_SEV_SNP_REQ_CERTS"));
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN "-dyn", old, (const char *[]){ "caps", NULL });
	snprintf(want, sizeof(want), "SNP certificate requests     no: %s\n", why);
	ck_assert_msg(strstr(p.out, want), "%s", p.out);
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN "-dyn", old, (const char *[]){ "caps", "--json", NULL });
	ck_assert(json_get(p.out, "snp_req_certs.available", got, sizeof(got)));
	ck_assert_str_eq(got, "false");
	ck_assert(json_get(p.out, "snp_req_certs.why", got, sizeof(got)));
	ck_assert_str_eq(got, why);
	hs_done(&p);
	if (!certs_vectors("snp-certs old_kernel run"))
		return;
	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/vcek.der", dir);
	write_file(path, vcek.der, vcek.len);
	run_certs(&p, dir, "acpi-off", old, NULL);
	snprintf(want, sizeof(want), "lkvm-sev: cannot serve --snp-certs %s: %s\n", dir, why);
	ck_assert_msg(p.status == 125 && strstr(p.err, want), "status %d\n%s", p.status, p.err);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

Suite *snp_certs_suite(void)
{
	Suite *s = suite_create("snp-certs");
	TCase *tc = tcase_create("simulated host");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, snp_certs_table_file);
	tcase_add_test(tc, snp_certs_directory);
	tcase_add_test(tc, snp_certs_answers);
	tcase_add_test(tc, snp_certs_off_without_option);
	tcase_add_loop_test(tc, snp_certs_bad_table, 0, sizeof(bad_tables) / sizeof(bad_tables[0]));
	tcase_add_loop_test(tc, snp_certs_bad_dir, 0, sizeof(bad_dirs) / sizeof(bad_dirs[0]));
	tcase_add_test(tc, snp_certs_write_locked);
	tcase_add_test(tc, snp_certs_lock_held);
	tcase_add_loop_test(tc, snp_certs_needs_snp, 0, 3);
	tcase_add_test(tc, snp_certs_old_kernel);
	suite_add_tcase(s, tc);
	return s;
}
