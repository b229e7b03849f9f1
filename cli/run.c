// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev run`: its options, parsed strictly (one message per mistake)
 * into a machine configuration, and the run itself (machine/machine.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "devices/pci_testdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"
#include "devices/virtio_vsock.h"
#include "machine/layout.h"
#include "util/ioloop.h"
#include "util/parse.h"

static const char run_usage[] =
"usage: lkvm-sev run [options]\n"
"\n"
"Runs a VM from a firmware image on /dev/kvm. Without --firmware, boots the\n"
"embedded default firmware, which prints a banner and powers off.\n"
"\n"
"options:\n"
"  --firmware FILE      firmware image (a multiple of 4 KiB, at most 16 MiB),\n"
"                       mapped read-only so that it ends at 4 GiB\n"
"  --vars FILE          UEFI variable store (e.g. a copy of OVMF_VARS_4M.fd):\n"
"                       a writable CFI flash directly below the firmware;\n"
"                       the guest's writes reach FILE before it sees them done\n"
"  -k, --kernel FILE    boot this bzImage through the firmware (fw_cfg)\n"
"  -i, --initrd FILE    its initrd\n"
"  -p, --params TEXT    its command line\n"
"  --pit                create the in-kernel PIT (implied by -k: Linux wants it)\n"
"  --apic-bus-ns NS     the local APIC timer's bus clock period (KVM's default\n"
"                       1 ns); firmware that assumes 1 GHz sees its timer\n"
"                       NS times slower. Linux 6.11 and later\n"
"  --dump-dtb FILE      write the machine description as a flattened device tree\n"
"  --pci-testdev        add the PCI test device (BARs, MSI-X, doorbells) that\n"
"                       the test guests use; no guest driver binds to it\n"
"  -d, --disk FILE[,ro][,aio=io_uring|sync]\n"
"                       add a virtio-blk disk on a raw image (repeatable: the\n"
"                       guest's vda, vdb, ...); locked against a second\n"
"                       writer; ,ro opens it read-only and says so; requests\n"
"                       go through io_uring, several at once (aio=sync: one\n"
"                       at a time, as where the kernel refuses io_uring)\n"
"  --rng                add a virtio-rng device (modern virtio-pci) fed from\n"
"                       the host's getrandom()\n"
"  -n, --network mode=tap,tapif=NAME[,guest_mac=MAC] | mode=user[,socket=PATH]\n"
"                       add a virtio-net card (repeatable) on a tap (opened or\n"
"                       created), or on passt, the user-mode network, which\n"
"                       lkvm-sev starts (or the one listening on PATH)\n"
"  --io-poll US         how long the I/O loop may poll the virtqueues before it\n"
"                       sleeps: it adapts up to US microseconds while requests\n"
"                       come close together (default 32 where the host has a\n"
"                       CPU more than the VM's vCPUs, else 0: never poll)\n"
"  --vsock cid=N,socket=PATH\n"
"                       add a virtio-vsock device, the guest's CID N (3 and\n"
"                       up), bridged to Unix sockets: the guest's connections\n"
"                       to the host's port P reach PATH_P; a host program\n"
"                       connects to PATH and writes \"CONNECT P\\n\"\n"
"  -m, --mem SIZE       guest RAM: 512M, 4G, ... (bare number: MiB; default 256M)\n"
"  -c, --cpus N         vCPUs, 1 to 255 (default 1)\n"
"  --ro-mode MODE       how firmware is kept read-only: auto (default: a\n"
"                       read-only memory slot where the VM offers one, else\n"
"                       mprotect), memslot, or mprotect\n"
"  --debugcon FILE      write the debug console (port 0x402) to FILE\n"
"  --serial-log FILE    write everything the guest sends to the UART to FILE\n"
"                       too (also when stdout is a terminal)\n"
"  --console MODE       serial (default: the UART on stdin and stdout), virtio\n"
"                       (a virtio console, the guest's hvc0, on stdin and\n"
"                       stdout; the UART's output still shows) or none\n"
"                       (headless: nothing on stdout, stdin not read)\n"
"  --report FILE        write a JSON report at exit: status and reason, VM\n"
"                       options, firmware sha256, launch digest, timeline,\n"
"                       exit counts, last serial lines (report.schema.json, in\n"
"                       the source's doc/ and installed beside the man page's\n"
"                       documentation: PREFIX/share/doc/lkvm-sev/)\n"
"  --trace FILE         write every KVM ioctl and every exit to FILE, one\n"
"                       timestamped line each\n"
"  --timeout SECONDS    stop the guest after SECONDS (status 124; 0: no limit)\n"
"  --until TEXT         end the run (status 0) once the serial output contains\n"
"                       TEXT, however it was split; repeatable\n"
"  --until-re REGEX     the same for a POSIX extended regular expression,\n"
"                       matched against the current line as it grows\n"
"  --fail-on TEXT       end the run with status 6 once the serial output\n"
"                       contains TEXT (e.g. a panic line); repeatable\n"
"  -q, --quiet          no warnings\n"
"  -v, --verbose        what was chosen and why: firmware, memory, read-only\n"
"                       mode, I/O polling, the SEV launch (the last of -q\n"
"                       and -v counts)\n"
"  -h, --help           this text\n"
"\n"
"SEV, SEV-ES and SEV-SNP (the digest options are spelled as in measure):\n"
"  --sev, --sev-es, --sev-snp  launch an encrypted guest; prints the expected\n"
"                       launch digest (as measure computes it) and, for SEV and\n"
"                       SEV-ES, the firmware's measurement\n"
"  --bios FILE          the firmware as plain guest memory instead of flash (as\n"
"                       QEMU's -bios); --firmware with --sev-snp behaves so too\n"
"  --policy HEX         guest policy (default SEV 0x1, SEV-ES 0x5, SNP 0x30000)\n"
"  --cpu MODEL, --cpu-sig HEX  the vCPU model whose signature is in every VMSA\n"
"                       (default, or --cpu host: the host's, CPUID leaf 1)\n"
"  --debug-swap, --vmsa-features HEX  KVM_SEV_INIT2's VMSA features\n"
"  --legacy-vm-type     KVM_SEV_INIT / KVM_SEV_ES_INIT on a default VM\n"
"  --direct-vmsa auto|on|off  SNP: lkvm-sev places the BSP's VMSA itself\n"
"                       (default off, as measure's; auto: where the host\n"
"                       offers it); KVM then makes no AP VMSAs, and OVMF's\n"
"                       APs do not start (lkvm-sev caps says why)\n"
"  --direct-vmsa-gpa ADDR  where (default 0xfffffffff000)\n"
"  --dh-cert FILE, --session FILE  the guest owner's LAUNCH_START session\n"
"  --secret-header FILE, --secret FILE  LAUNCH_SECRET into the firmware's\n"
"                       secret area (needs the session)\n"
"  --id-block FILE, --id-auth FILE, --host-data FILE  SNP_LAUNCH_FINISH's ID\n"
"                       block (96 bytes), its signature (4096) and host data (32)\n"
"  --snp-certs PATH     SNP: the certificates for the guest's extended report\n"
"                       requests (snpguest report --certs): a certificate table\n"
"                       file as snphost or sevctl write it, or a directory of\n"
"                       vcek.der (or vlek.der), ask.pem, ark.pem (.der or .pem\n"
"                       each); read once, locked for reading while the guest\n"
"                       runs. Linux 7.0 and later (lkvm-sev caps)\n"
"\n"
"exit status (even: lkvm-sev's, odd: the guest's):\n"
"  0    the guest powered off\n"
"  N    odd: (V << 1) | 1 for a write of V to the debug-exit port 0xf4\n"
"       (V >= 62 collides with the statuses below or wraps past 255)\n"
"  2    bad options or input files\n"
"  4    the guest reset itself (port 0xcf9 or the i8042)\n"
"  6    the guest printed a --fail-on marker\n"
"  8    the guest powered off without printing an --until or --until-re\n"
"       marker (0 is for the marker)\n"
"  10   the run ended, but --report could not be written (a warning says\n"
"       why and the status it would have reported)\n"
"  124  --timeout expired\n"
"  125  the host cannot run this VM, or a KVM call failed\n"
"  126  the guest crashed (triple fault, KVM internal error, write to\n"
"       protected firmware, SEV termination request)\n"
"  130, 143  stopped by SIGINT, SIGTERM\n";

enum {
	OPT_FIRMWARE = 256,
	OPT_RO_MODE,
	OPT_DEBUGCON,
	OPT_TIMEOUT,
	OPT_VARS,
	OPT_PIT,
	OPT_APIC_BUS_NS,
	OPT_DUMP_DTB,
	OPT_BIOS,
	OPT_POLICY,
	OPT_DH_CERT,
	OPT_SESSION,
	OPT_SECRET_HEADER,
	OPT_SECRET,
	OPT_ID_BLOCK,
	OPT_ID_AUTH,
	OPT_HOST_DATA,
	OPT_UNTIL,
	OPT_UNTIL_RE,
	OPT_FAIL_ON,
	OPT_SERIAL_LOG,
	OPT_CONSOLE,
	OPT_REPORT,
	OPT_TRACE,
	OPT_PCI_TESTDEV,
	OPT_RNG,
	OPT_VSOCK,
	OPT_IO_POLL,
	OPT_SNP_CERTS,
};

static const struct option cli_run_options[] = {
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "ro-mode", required_argument, NULL, OPT_RO_MODE },
	{ "debugcon", required_argument, NULL, OPT_DEBUGCON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "vars", required_argument, NULL, OPT_VARS },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "params", required_argument, NULL, 'p' },
	{ "pit", no_argument, NULL, OPT_PIT },
	{ "apic-bus-ns", required_argument, NULL, OPT_APIC_BUS_NS },
	{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
	{ "pci-testdev", no_argument, NULL, OPT_PCI_TESTDEV },
	{ "rng", no_argument, NULL, OPT_RNG },
	{ "vsock", required_argument, NULL, OPT_VSOCK },
	{ "io-poll", required_argument, NULL, OPT_IO_POLL },
	{ "disk", required_argument, NULL, 'd' },
	{ "network", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	CLI_VERBOSITY_OPTIONS,
	{ "bios", required_argument, NULL, OPT_BIOS },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "dh-cert", required_argument, NULL, OPT_DH_CERT },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "secret-header", required_argument, NULL, OPT_SECRET_HEADER },
	{ "secret", required_argument, NULL, OPT_SECRET },
	{ "id-block", required_argument, NULL, OPT_ID_BLOCK },
	{ "id-auth", required_argument, NULL, OPT_ID_AUTH },
	{ "host-data", required_argument, NULL, OPT_HOST_DATA },
	{ "snp-certs", required_argument, NULL, OPT_SNP_CERTS },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "until-re", required_argument, NULL, OPT_UNTIL_RE },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "serial-log", required_argument, NULL, OPT_SERIAL_LOG },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "trace", required_argument, NULL, OPT_TRACE },
	SEV_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* A device for the machine to realize after the platform, in command-line order. */
static int cli_device(struct machine_cfg *cfg, const char *opt, const struct device_type *type,
		      const void *opts, struct lk_err *err)
{
	if (cfg->nr_devices == MACHINE_MAX_DEVICES)
		return err_set(err, LK_EXIT_USAGE, "%s: at most %d devices (PCI bus 0's free "
			       "slots)", opt, MACHINE_MAX_DEVICES);
	cfg->devices[cfg->nr_devices++] = (struct device_cfg){ .type = type, .opts = opts };
	return 0;
}

/* Cuts ",@word" off the end of @arg, in place, if it is there. */
static bool cut_suffix(char *arg, const char *word)
{
	size_t n = strlen(arg), w = strlen(word);

	if (n <= w + 1 || arg[n - w - 1] != ',' || strcmp(arg + n - w, word))
		return false;
	arg[n - w - 1] = '\0';
	return true;
}

/*
 * -d FILE[,ro][,aio=io_uring|sync]: the options live as long as the
 * process, as argv does; the suffixes, in any order, are cut off the
 * argument in place.
 */
static int cli_disk(struct machine_cfg *cfg, char *arg, struct lk_err *err)
{
	static struct virtio_blk_opts disks[MACHINE_MAX_DEVICES];
	struct virtio_blk_opts *o = &disks[cfg->nr_devices % MACHINE_MAX_DEVICES];
	bool more = true;

	*o = (struct virtio_blk_opts){ .path = arg, .opt = "-d" };
	while (more) {
		more = false;
		if (cut_suffix(arg, "ro"))
			more = o->ro = true;
		else if (cut_suffix(arg, "aio=sync"))
			more = o->sync = true;
		else if (cut_suffix(arg, "aio=io_uring"))
			more = !(o->sync = false);
	}
	if (!*o->path)
		return err_set(err, LK_EXIT_USAGE, "-d: empty file name");
	return cli_device(cfg, "-d", &virtio_blk_type, o, err);
}

/*
 * --vsock cid=N,socket=PATH: the guest's CID (3 and up: 0-2 are reserved,
 * and Linux takes 32 bits) and the Unix socket host programs connect to;
 * PATH_PORT, for the guest's connections, must fit a socket address too.
 */
static int cli_vsock(struct machine_cfg *cfg, char *arg, struct lk_err *err)
{
	static struct virtio_vsock_opts o;
	unsigned long cid = 0;
	char *key, *save = NULL;
	unsigned int i;

	for (i = 0; i < cfg->nr_devices; i++)
		if (cfg->devices[i].type == &virtio_vsock_type)
			return err_set(err, LK_EXIT_USAGE, "--vsock: give it once (one device "
				       "serves every port)");
	o = (struct virtio_vsock_opts){ 0 };
	for (key = strtok_r(arg, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		if (!strncmp(key, "cid=", 4) && parse_uint(key + 4, 3, 0xfffffffeUL, &cid))
			continue;
		if (!strncmp(key, "socket=", 7) && key[7]) {
			o.path = key + 7;
			continue;
		}
		return err_set(err, LK_EXIT_USAGE, "--vsock: '%s' is not cid=N (3 to 4294967294) "
			       "or socket=PATH", key);
	}
	if (!cid || !o.path)
		return err_set(err, LK_EXIT_USAGE, "--vsock: needs cid=N and socket=PATH");
	/* sockaddr_un's 108 bytes hold PATH, '_', a port of up to 10 digits, a NUL. */
	if (strlen(o.path) > 108 - 12)
		return err_set(err, LK_EXIT_USAGE, "--vsock socket=%s: longer than %d bytes",
			       o.path, 108 - 12);
	o.cid = cid;
	return cli_device(cfg, "--vsock", &virtio_vsock_type, &o, err);
}

/* -n KEY=VALUE,...: the default MAC counts the -n before it. */
static int cli_net(struct machine_cfg *cfg, char *arg, struct lk_err *err)
{
	static struct virtio_net_opts nets[MACHINE_MAX_DEVICES];
	struct virtio_net_opts *o = &nets[cfg->nr_devices % MACHINE_MAX_DEVICES];
	unsigned int i, index = 0;

	for (i = 0; i < cfg->nr_devices; i++)
		index += cfg->devices[i].type == &virtio_net_type;
	if (virtio_net_parse(arg, index, o, err))
		return -1;
	return cli_device(cfg, "-n", &virtio_net_type, o, err);
}

/* The SEV launch's own options; 1 when @opt is not one of them. */
static int cli_sev_option(int opt, const char *arg, struct machine_cfg *cfg,
			  struct lk_err *err)
{
	struct sev_launch_opts *l = &cfg->sev;

	if (opt >= SEV_OPT_FIRST && opt <= SEV_OPT_LAST)
		return sev_opt_parse(opt, arg, &l->o, err);
	switch (opt) {
	case OPT_BIOS:
		/* Again: the last counts; after --firmware: which one was meant? */
		if (cfg->firmware && !cfg->fw_as_ram)
			return err_set(err, LK_EXIT_USAGE, "--bios and --firmware: give one "
				       "firmware image");
		cfg->fw_as_ram = true;
		return cli_file(arg, "--bios", &cfg->firmware, err);
	case OPT_POLICY:
		return sev_policy_parse(arg, l, err);
	case OPT_DH_CERT:
		return cli_file(arg, "--dh-cert", &l->dh_cert, err);
	case OPT_SESSION:
		return cli_file(arg, "--session", &l->session, err);
	case OPT_SECRET_HEADER:
		return cli_file(arg, "--secret-header", &l->secret_header, err);
	case OPT_SECRET:
		return cli_file(arg, "--secret", &l->secret, err);
	case OPT_ID_BLOCK:
		return cli_file(arg, "--id-block", &l->id_block, err);
	case OPT_ID_AUTH:
		return cli_file(arg, "--id-auth", &l->id_auth, err);
	case OPT_HOST_DATA:
		return cli_file(arg, "--host-data", &l->host_data, err);
	case OPT_SNP_CERTS:
		return cli_file(arg, "--snp-certs", &l->snp_certs, err);
	}
	return 1;
}

static int cli_marker(int opt, const char *arg, struct marker_cfg *mc, struct lk_err *err)
{
	const char *name = opt == OPT_UNTIL ? "--until" : "--fail-on";
	const char **list = opt == OPT_UNTIL ? mc->until : mc->fail_on;
	unsigned int *nr = opt == OPT_UNTIL ? &mc->nr_until : &mc->nr_fail_on;

	if (!*arg)
		return err_set(err, LK_EXIT_USAGE, "%s: empty marker", name);
	if (*nr == MARKER_MAX)
		return err_set(err, LK_EXIT_USAGE, "%s: at most %d markers", name, MARKER_MAX);
	list[(*nr)++] = arg;
	return 0;
}

static int cli_option(int opt, const char *arg, void *ctx, struct lk_err *err)
{
	struct machine_cfg *cfg = ctx;
	unsigned long n;
	int r = cli_sev_option(opt, arg, cfg, err);

	if (r <= 0)
		return r;
	switch (opt) {
	case 'm':
		if (!parse_size(arg, SZ_1M, &cfg->mem_size))
			return err_set(err, LK_EXIT_USAGE, "-m %s: not a memory size (e.g. 512M, "
				       "4G; a bare number is MiB)", arg);
		return layout_check_mem(cfg->mem_size, err);
	case 'c':
		return cli_cpus(arg, &cfg->nr_cpus, err);
	case OPT_FIRMWARE:
		if (cfg->firmware && cfg->fw_as_ram)
			return err_set(err, LK_EXIT_USAGE, "--bios and --firmware: give one "
				       "firmware image");
		return cli_file(arg, "--firmware", &cfg->firmware, err);
	case OPT_RO_MODE:
		if (!ro_mode_parse(arg, &cfg->ro_mode))
			return err_set(err, LK_EXIT_USAGE,
				       "--ro-mode %s: not one of auto, memslot, mprotect", arg);
		return 0;
	case OPT_DEBUGCON:
		return cli_file(arg, "--debugcon", &cfg->debugcon, err);
	case OPT_VARS:
		return cli_file(arg, "--vars", &cfg->vars, err);
	case 'k':
		return cli_file(arg, "-k", &cfg->kernel, err);
	case 'i':
		return cli_file(arg, "-i", &cfg->initrd, err);
	case 'p':
		cfg->cmdline = arg;
		return 0;
	case OPT_PIT:
		cfg->pit = true;
		return 0;
	case OPT_APIC_BUS_NS:
		if (!parse_uint(arg, 1, CLI_MAX_APIC_BUS_NS, &n))
			return err_set(err, LK_EXIT_USAGE, "--apic-bus-ns %s: not a number of "
				       "nanoseconds from 1 to %d", arg, CLI_MAX_APIC_BUS_NS);
		cfg->apic_bus_ns = (unsigned int)n;
		return 0;
	case OPT_IO_POLL:
		if (!parse_uint(arg, 0, CLI_MAX_IO_POLL_US, &n))
			return err_set(err, LK_EXIT_USAGE, "--io-poll %s: not a number of "
				       "microseconds from 0 to %d", arg, CLI_MAX_IO_POLL_US);
		cfg->io_poll_us = (unsigned int)n;
		cfg->io_poll_given = true;
		return 0;
	case OPT_DUMP_DTB:
		return cli_file(arg, "--dump-dtb", &cfg->dump_dtb, err);
	case OPT_PCI_TESTDEV:
		return cli_device(cfg, "--pci-testdev", &pci_testdev_type, NULL, err);
	case OPT_RNG:
		return cli_device(cfg, "--rng", &virtio_rng_type, NULL, err);
	case OPT_VSOCK:
		return cli_vsock(cfg, (char *)arg, err);
	case 'd':
		return cli_disk(cfg, (char *)arg, err);
	case 'n':
		return cli_net(cfg, (char *)arg, err);
	case OPT_UNTIL:
	case OPT_FAIL_ON:
		return cli_marker(opt, arg, &cfg->markers, err);
	case OPT_SERIAL_LOG:
		return cli_file(arg, "--serial-log", &cfg->serial_log, err);
	case OPT_TRACE:
		return cli_file(arg, "--trace", &cfg->trace, err);
	case OPT_REPORT:
		return cli_file(arg, "--report", &cfg->report, err);
	case OPT_CONSOLE:
		if (strcmp(arg, "none") && strcmp(arg, "serial") && strcmp(arg, "virtio"))
			return err_set(err, LK_EXIT_USAGE, "--console %s: not one of none, serial, "
				       "virtio", arg);
		cfg->console_none = !strcmp(arg, "none");
		cfg->console_virtio = !strcmp(arg, "virtio");
		return 0;
	case OPT_UNTIL_RE:
		if (cfg->markers.until_re)
			return err_set(err, LK_EXIT_USAGE, "--until-re: give it once (use '|' "
				       "for alternatives)");
		cfg->markers.until_re = arg;
		return 0;
	case OPT_TIMEOUT:
		if (!parse_seconds(arg, &cfg->timeout))
			return err_set(err, LK_EXIT_USAGE,
				       "--timeout %s: not a number of seconds", arg);
		return 0;
	}
	return err_set(err, LK_EXIT_USAGE, "internal: unhandled option %d", opt);
}

static int cli_check_sev(struct machine_cfg *cfg, struct lk_err *err)
{
	if (sev_launch_opts_check(&cfg->sev, err))
		return -1;
	if (cfg->vars && cfg->fw_as_ram)
		return err_set(err, LK_EXIT_USAGE, "--vars goes with flash firmware (--firmware), "
			       "not with --bios");
	if (cfg->sev.o.mode != SEV_MODE_SNP)
		return 0;
	if (cfg->vars)
		return err_set(err, LK_EXIT_USAGE, "--vars with --sev-snp: an SNP guest has no "
			       "flash (OVMF keeps volatile variables)");
	if (cfg->firmware && !cfg->fw_as_ram)
		warn("--firmware with --sev-snp: SNP has no flash, the firmware is private "
		     "guest memory, as with --bios");
	cfg->fw_as_ram = true;
	return 0;
}

enum cli_result cli_parse_run(int argc, char **argv, struct machine_cfg *cfg,
			      struct lk_err *err)
{
	static const struct cli_syntax syn = {
		"run", "+m:c:k:i:p:d:n:hqv", cli_run_options, "mckipdn", OPT_FIRMWARE,
	};
	enum cli_result r;

	*cfg = (struct machine_cfg){ .mem_size = LAYOUT_MEM_DEFAULT, .nr_cpus = 1,
				     .ro_mode = RO_MODE_AUTO, .io_poll_us = IOLOOP_POLL_MAX_US };
	/* Off, as measure's: the same options give the same digest on any host. */
	sev_opts_init(&cfg->sev.o, SEV_DIRECT_OFF);
	r = cli_getopt(argc, argv, &syn, cli_option, cfg, err);
	if (r != CLI_OK)
		return r;
	if ((cfg->initrd || cfg->cmdline) && !cfg->kernel)
		return err_set(err, LK_EXIT_USAGE, "%s needs a kernel to go with it (-k)",
			       cfg->initrd ? "-i" : "-p");
	if (cfg->vars && !cfg->firmware)
		return err_set(err, LK_EXIT_USAGE, "--vars needs the firmware it belongs to "
			       "(--firmware)");
	if (marker_cfg_check(&cfg->markers, err) || cli_check_files(cfg, err))
		return CLI_ERROR;
	return cli_check_sev(cfg, err) ? CLI_ERROR : CLI_OK;
}

int cmd_run(int argc, char **argv, struct lk_err *err)
{
	enum cli_result r;
	struct machine_cfg cfg;
	int status;

	r = cli_parse_run(argc, argv, &cfg, err);
	if (r != CLI_OK) {
		marker_cfg_release(&cfg.markers);
		return cli_stop(r, run_usage);
	}
	status = machine_run(&cfg, err);
	marker_cfg_release(&cfg.markers);
	fflush(stdout);	/* the guest's output before lkvm-sev's last word */
	return status;
}
