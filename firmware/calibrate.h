/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The calibration guest (firmware/calibrate.S), assembled into the binary:
 * `lkvm-sev caps` times it to tell a KVM that runs guest code natively from
 * one that emulates it. Shared by the assembly (constants only) and C.
 */
#ifndef LKVM_FIRMWARE_CALIBRATE_H
#define LKVM_FIRMWARE_CALIBRATE_H

#define CALIBRATE_ITERATIONS	1000000	/* ~1 ms natively, ~1 s emulated (HOST-NOTES) */
#define CALIBRATE_EXIT_PORT	0xf4	/* its last act: a byte written here */
#define CALIBRATE_SIZE		4096	/* one page, ending at 4 GiB */
#define CALIBRATE_LIMIT_MS	5000.0	/* after this, still looping means emulated */

#ifndef __ASSEMBLER__
/*
 * The image, and in it the loop and the port write: their offsets from
 * the image's start tell the VMM where the guest's IP is.
 */
extern const unsigned char lkvm_calibrate_fw[];
extern const unsigned char lkvm_calibrate_fw_loop[];
extern const unsigned char lkvm_calibrate_fw_exit[];
#endif

#endif
