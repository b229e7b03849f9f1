// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test runner: every suite in one Check run, so CI reads one summary.
 * Suites that need /dev/kvm are skipped, with the reason printed, only where
 * /dev/kvm does not exist; where it exists but cannot be used, they run and
 * fail.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/tests.h"

int main(void)
{
	SRunner *sr = srunner_create(unit_parse_suite());
	int failed;

	srunner_add_suite(sr, unit_cli_suite());
	srunner_add_suite(sr, unit_layout_suite());
	srunner_add_suite(sr, unit_bus_suite());
	srunner_add_suite(sr, unit_serial_suite());
	srunner_add_suite(sr, unit_devices_suite());
	srunner_add_suite(sr, unit_pci_suite());
	srunner_add_suite(sr, unit_pci_model_suite());
	srunner_add_suite(sr, unit_ioloop_suite());
	srunner_add_suite(sr, unit_virtq_suite());
	srunner_add_suite(sr, unit_fuzz_regress_suite());
	srunner_add_suite(sr, unit_cfi_flash_suite());
	srunner_add_suite(sr, unit_fw_cfg_suite());
	srunner_add_suite(sr, unit_acpi_suite());
	srunner_add_suite(sr, unit_images_suite());
	srunner_add_suite(sr, unit_ovmf_suite());
	srunner_add_suite(sr, unit_sev_suite());
	srunner_add_suite(sr, sev_vectors_suite());
	srunner_add_suite(sr, unit_attest_suite());
	srunner_add_suite(sr, verify_suite());
	srunner_add_suite(sr, options_suite());
	srunner_add_suite(sr, hostsim_suite());
	srunner_add_suite(sr, inspect_suite());
	srunner_add_suite(sr, measure_suite());
	srunner_add_suite(sr, unit_caps_suite());
	srunner_add_suite(sr, caps_suite());
	srunner_add_suite(sr, sev_run_suite());
	srunner_add_suite(sr, snp_certs_suite());
	srunner_add_suite(sr, docs_suite());
	srunner_add_suite(sr, virtio_net_options_suite());
	if (tests_have_kvm()) {
		srunner_add_suite(sr, kvm_core_suite());
		srunner_add_suite(sr, guest_suite());
		srunner_add_suite(sr, platform_suite());
		srunner_add_suite(sr, caps_kvm_suite());
		srunner_add_suite(sr, virtio_blk_suite());
		srunner_add_suite(sr, virtio_net_suite());
		srunner_add_suite(sr, virtio_vsock_suite());
		srunner_add_suite(sr, ci_suite());
		srunner_add_suite(sr, console_suite());
		srunner_add_suite(sr, messages_suite());
	} else {
		printf("SKIP kvm-core, guests, caps-kvm, ci, console, messages: /dev/kvm does not "
		       "exist on this host\n");
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
