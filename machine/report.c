// SPDX-License-Identifier: GPL-2.0-only
/*
 * --report: one JSON document at exit saying how the run ended and what
 * shaped it (doc/report.schema.json). Everything it needs is gathered on
 * the way without cost to the exit path: timeline points on the main
 * thread, per-vCPU counters summed once the vCPUs are joined, the serial
 * tail in a ring allocated with the machine.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <nettle/sha2.h>

#include "kvm/trace.h"
#include "machine/machine_priv.h"
#include "util/file.h"
#include "util/json.h"

void machine_mark(struct machine *m, enum machine_tl point)
{
	clock_gettime(CLOCK_MONOTONIC, &m->tl[point]);
}

static void tail_feed(struct serial_tail *t, uint8_t c)
{
	char *line = t->line[t->next];

	if (c == '\n') {
		line[t->len] = '\0';
		t->next = (t->next + 1) % (TAIL_LINES + 1);
		if (t->count < TAIL_LINES)
			t->count++;
		t->len = 0;
	} else if (c != '\r' && t->len < TAIL_LINE_MAX) {
		line[t->len++] = (char)c;
	}
}

/* The serial output hook with --report: the tail, then any markers. */
void machine_serial_out(void *ctx, uint8_t c)
{
	struct machine *m = ctx;

	tail_feed(&m->tail, c);
	if (m->marker_on)
		marker_feed(&m->marker, c);
}

int machine_report_open(struct machine *m, struct lk_err *err)
{
	if (!m->cfg->report)
		return 0;
	m->report = file_create_stream("--report", m->cfg->report, err);
	return m->report ? 0 : -1;
}

static double ms_since(const struct timespec *t0, const struct timespec *t)
{
	return (double)(t->tv_sec - t0->tv_sec) * 1e3 + (double)(t->tv_nsec - t0->tv_nsec) / 1e6;
}

static const char *report_reason(const struct machine *m, int status)
{
	switch (status) {
	case LK_EXIT_POWEROFF:
		return m->marker_on && m->marker.seen ? "the guest printed an --until marker"
						       : "the guest powered off";
	case LK_EXIT_USAGE:
		return "bad options or input files";
	case LK_EXIT_RESET:
		return "the guest reset itself";
	case LK_EXIT_FAIL_MARKER:
		return "the guest printed a --fail-on marker";
	case LK_EXIT_NO_REPORT:
		return "the report could not be written";
	case LK_EXIT_NO_MARKER:
		return "the guest powered off without printing an --until marker";
	case LK_EXIT_TIMEOUT:
		return "--timeout expired";
	case LK_EXIT_HOST:
		return "the host cannot run this VM, or a KVM call failed";
	case LK_EXIT_CRASH:
		return "the guest crashed";
	case LK_EXIT_SIGINT:
		return "stopped by SIGINT or from the console (Ctrl-A x)";
	case LK_EXIT_SIGTERM:
		return "stopped by SIGTERM";
	}
	return status & 1 ? "the guest wrote to the debug-exit port" : "unknown";
}

static void report_vm(struct json *j, const struct machine *m)
{
	const struct machine_cfg *cfg = m->cfg;

	json_obj_begin(j, "vm");
	json_str(j, "mode", sev_mode_name(cfg->sev.o.mode));
	json_int(j, "vcpus", cfg->nr_cpus);
	json_int(j, "mem_bytes", (long long)cfg->mem_size);
	json_bool(j, "fw_as_ram", cfg->fw_as_ram);
	json_str(j, "kernel", cfg->kernel);
	json_int(j, "io_poll_us", m->io_poll_us);
	json_obj_begin(j, "features");
	if (m->sev_on && m->tl[TL_VM_CREATED].tv_sec) {
		json_hex(j, "policy", m->sev.policy);
		/* KVM_SEV_INIT2's argument; the legacy init takes none and KVM picks. */
		if (m->sev.init2)
			json_hex(j, "vmsa_features", m->sev.init_features);
		else
			json_null(j, "vmsa_features");
		json_bool(j, "init2", m->sev.init2);
		json_bool(j, "direct_vmsa", m->sev.direct);
		json_hex(j, "cpu_sig", m->sev.cpu_sig);
	}
	json_obj_end(j);
	json_obj_begin(j, "ro_protection");
	json_str(j, "requested", ro_mode_name(cfg->ro_mode));
	if (m->fw_ro.why) {
		json_str(j, "mode", ro_mode_name(m->fw_ro.mode));
		json_str(j, "why", m->fw_ro.why);
	} else {
		json_null(j, "mode");
		json_str(j, "why", cfg->fw_as_ram ? "the firmware is plain guest memory"
						   : "not mapped: the run ended before");
	}
	json_obj_end(j);
	json_obj_end(j);
}

void machine_report_hash_firmware(struct machine *m)
{
	struct sha256_ctx c;

	_Static_assert(sizeof(m->fw_sha256) == SHA256_DIGEST_SIZE, "sha256 size");
	if (!m->report || !m->fw.data)
		return;
	sha256_init(&c);
	sha256_update(&c, m->fw.size, m->fw.data);
	sha256_digest(&c, sizeof(m->fw_sha256), m->fw_sha256);
	m->fw_hashed = true;
}

static void report_firmware(struct json *j, const struct machine *m)
{
	char hex[2 * sizeof(m->fw_sha256) + 1];
	unsigned int i;

	json_obj_begin(j, "firmware");
	json_str(j, "file", m->fw.path ? m->fw.path : m->cfg->firmware);
	if (m->fw_hashed) {
		for (i = 0; i < sizeof(m->fw_sha256); i++)
			snprintf(hex + 2 * i, 3, "%02x", m->fw_sha256[i]);
		json_int(j, "size", (long long)m->fw.size);
		json_str(j, "sha256", hex);
	}
	json_obj_end(j);
}

/* --snp-certs: what the guests asked for, by the answer they got. */
static void report_certs(struct json *j, const struct machine *m)
{
	unsigned int k;

	json_obj_begin(j, "snp_certs");
	json_str(j, "file", m->cfg->sev.snp_certs);
	json_arr_begin(j, "certificates");
	for (k = 0; k < SNP_CERT_KINDS; k++)
		if (m->certs.kinds & SNP_CERT_BIT(k))
			json_str(j, NULL, snp_cert_name(k));
	json_arr_end(j);
	json_int(j, "bytes", (long long)m->certs.len);
	json_int(j, "served", (long long)m->certs_served);
	json_int(j, "too_small", (long long)m->certs_too_small);
	json_int(j, "failed", (long long)m->certs_failed);
	json_obj_end(j);
}

static void report_sev(struct json *j, const struct machine *m)
{
	if (!m->sev_on)
		return;
	json_obj_begin(j, "sev");
	json_str(j, "digest_algorithm", m->sev.digest_alg);
	json_str(j, "expected_digest", m->sev.digest_hex[0] ? m->sev.digest_hex : NULL);
	json_str(j, "measurement", m->sev.measure_hex[0] ? m->sev.measure_hex : NULL);
	if (m->certs.table)
		report_certs(j, m);
	json_obj_end(j);
}

static void report_timeline(struct json *j, const struct machine *m, const struct timespec *end)
{
	static const char *const names[TL_NR] = {
		[TL_VM_CREATED] = "vm_created", [TL_FIRMWARE_MAPPED] = "firmware_mapped",
		[TL_LAUNCH_FINISHED] = "launch_finished",
	};
	const struct timespec *first = NULL;
	unsigned int i;

	json_obj_begin(j, "timeline_ms");
	for (i = 0; i < TL_NR; i++)
		if (m->tl[i].tv_sec)
			json_double(j, names[i], ms_since(&m->t0, &m->tl[i]));
	for (i = 0; i < m->nr_vcpus; i++) {
		const struct timespec *t = &m->vcpus[i].stats.first_exit;

		if (m->vcpus[i].stats.total &&
		    (!first || t->tv_sec < first->tv_sec ||
		     (t->tv_sec == first->tv_sec && t->tv_nsec < first->tv_nsec)))
			first = t;
	}
	if (first)
		json_double(j, "first_guest_exit", ms_since(&m->t0, first));
	if (m->marker_on && m->marker.seen)
		json_double(j, "marker_seen", ms_since(&m->t0, &m->marker.seen_at));
	json_double(j, "end", ms_since(&m->t0, end));
	json_obj_end(j);
}

static void report_exits(struct json *j, const struct machine *m)
{
	uint64_t sum[VCPU_EXIT_REASONS] = { 0 }, total = 0;
	unsigned int i, r;

	for (i = 0; i < m->nr_vcpus; i++) {
		for (r = 0; r < VCPU_EXIT_REASONS; r++)
			sum[r] += m->vcpus[i].stats.exits[r];
		total += m->vcpus[i].stats.total;
	}
	json_obj_begin(j, "exits");
	json_int(j, "total", (long long)total);
	json_obj_begin(j, "by_kind");
	for (r = 0; r < VCPU_EXIT_REASONS; r++)
		if (sum[r])
			json_int(j, kvm_exit_name(r), (long long)sum[r]);
	json_obj_end(j);
	json_obj_end(j);
}

/* Bus 0's functions: the platform's and the devices asked for, where the guest saw them. */
static void report_devices(struct json *j, const struct machine *m)
{
	unsigned int devfn;
	char bdf[16];

	json_arr_begin(j, "devices");
	for (devfn = 0; devfn < PCI_MAX_DEVFN; devfn++) {
		const struct pci_func *fn = m->pci.func[devfn];

		if (!fn)
			continue;
		snprintf(bdf, sizeof(bdf), "00:%02x.%x", PCI_SLOT(devfn), devfn & 7);
		json_obj_begin(j, NULL);
		json_str(j, "pci", bdf);
		json_str(j, "name", fn->name);
		json_hex(j, "vendor", pci_cfg_get(fn, PCI_VENDOR_ID, 2));
		json_hex(j, "device", pci_cfg_get(fn, PCI_DEVICE_ID, 2));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void report_tail(struct json *j, const struct machine *m)
{
	const struct serial_tail *t = &m->tail;
	unsigned int i, first = (t->next + TAIL_LINES + 1 - t->count) % (TAIL_LINES + 1);
	char partial[TAIL_LINE_MAX + 1];

	json_arr_begin(j, "serial_tail");
	for (i = 0; i < t->count; i++)
		json_str(j, NULL, t->line[(first + i) % (TAIL_LINES + 1)]);
	/* A last line without its newline yet (a prompt). */
	if (t->len) {
		memcpy(partial, t->line[t->next], t->len);
		partial[t->len] = '\0';
		json_str(j, NULL, partial);
	}
	json_arr_end(j);
}

bool machine_report(struct machine *m, int status, const struct lk_err *err)
{
	struct timespec end;
	struct json j;
	int e;

	clock_gettime(CLOCK_MONOTONIC, &end);
	json_init(&j, m->report);
	json_obj_begin(&j, NULL);
	json_int(&j, "version", 1);
	json_int(&j, "status", status);
	json_str(&j, "reason", report_reason(m, status));
	json_str(&j, "message", err->msg[0] ? err->msg : NULL);
	if (m->marker_on && m->marker.seen)
		json_str(&j, "marker", m->marker.seen_text);
	report_vm(&j, m);
	report_firmware(&j, m);
	report_sev(&j, m);
	report_timeline(&j, m, &end);
	report_exits(&j, m);
	report_devices(&j, m);
	report_tail(&j, m);
	json_obj_end(&j);
	json_finish(&j);
	/* Durable before the status is seen; a pipe or terminal cannot fsync (EINVAL). */
	e = fflush(m->report) ? errno : ferror(m->report) ? EIO : 0;
	if (!e && fsync(fileno(m->report)) && errno != EINVAL)
		e = errno;
	if (fclose(m->report) && !e)
		e = errno;
	m->report = NULL;
	if (!e)
		return true;
	warn("--report %s: writing failed (%s): the run ended with status %d (%s), but its "
	     "report is missing", m->cfg->report, strerror(e), status, report_reason(m, status));
	return false;
}
