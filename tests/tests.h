/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test runner's suites and the helpers integration tests share:
 * spawning lkvm-sev with pipes on its standard streams, and the rule for
 * tests that need /dev/kvm (they skip, saying why, only where it is missing).
 */
#ifndef LKVM_TESTS_H
#define LKVM_TESTS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

Suite *unit_parse_suite(void);
Suite *unit_cli_suite(void);
Suite *unit_layout_suite(void);
Suite *unit_bus_suite(void);
Suite *unit_serial_suite(void);
Suite *unit_devices_suite(void);
Suite *unit_pci_suite(void);
Suite *unit_pci_model_suite(void);
Suite *unit_ioloop_suite(void);
Suite *unit_virtq_suite(void);
Suite *unit_fuzz_regress_suite(void);
Suite *unit_cfi_flash_suite(void);
Suite *unit_fw_cfg_suite(void);
Suite *unit_acpi_suite(void);
Suite *unit_images_suite(void);
Suite *unit_ovmf_suite(void);
Suite *unit_sev_suite(void);
Suite *sev_vectors_suite(void);
Suite *unit_attest_suite(void);
Suite *verify_suite(void);
Suite *platform_suite(void);
Suite *kvm_core_suite(void);
Suite *guest_suite(void);
Suite *options_suite(void);
Suite *hostsim_suite(void);
Suite *inspect_suite(void);
Suite *measure_suite(void);
Suite *unit_caps_suite(void);
Suite *caps_kvm_suite(void);
Suite *virtio_blk_suite(void);
Suite *virtio_net_suite(void);
Suite *virtio_net_options_suite(void);
Suite *virtio_vsock_suite(void);
Suite *caps_suite(void);
Suite *sev_run_suite(void);
Suite *snp_certs_suite(void);
Suite *docs_suite(void);
Suite *ci_suite(void);
Suite *console_suite(void);
Suite *messages_suite(void);

/*
 * Says that a test, or part of one, did not run and why: one line
 * "SKIP what: why" on stdout, the format .ci/run reads (it fails a run
 * whose SKIP lines blame a missing /dev/kvm or ../shared it has).
 */
void tests_skip(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether /dev/kvm exists; when it does not, KVM suites are skipped. */
bool tests_have_kvm(void);
/* Whether KVM executes guest code natively (timed with tests/guests/calibrate). */
bool host_runs_natively(void);

#define VMM_OUT_MAX (64 * 1024)

struct vmm_proc {
	pid_t pid;
	int in_fd, out_fd, err_fd;
	char out[VMM_OUT_MAX];
	size_t out_len;
	char err[VMM_OUT_MAX];
	size_t err_len;
	int status;		/* exit status, 128 + signal, or -1 if killed by us */
	double secs;		/* wall time from spawn to exit */
	double t0;
};

/* Starts LKVM_BIN with @args (NULL-terminated, without argv[0]). */
void vmm_spawn(struct vmm_proc *p, const char *const *args);
/*
 * The same without the capabilities that let root read any file
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so permissions apply as to a user.
 */
void vmm_spawn_no_dac(struct vmm_proc *p, const char *const *args);
/* Pumps output until stdout contains @needle; false on exit or timeout. */
bool vmm_wait_stdout(struct vmm_proc *p, const char *needle, double timeout);
/* Closes stdin, pumps until exit (killing it after @timeout); returns status. */
int vmm_finish(struct vmm_proc *p, double timeout);
int vmm_run(struct vmm_proc *p, const char *const *args, double timeout);

/* A fresh directory for one test's files, and its removal with everything in it. */
void test_dir_create(char *path, size_t size);
void test_dir_remove(char *path);

/* Path of a test guest image. */
const char *guest(const char *name);
/* The whole file, with a NUL after it (not counted in @size); free() it. */
void *test_read_file(const char *path, size_t *size);
double now_sec(void);
size_t count_substr(const char *hay, const char *needle);

#endif
