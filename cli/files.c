// SPDX-License-Identifier: GPL-2.0-only
/*
 * `run`'s files, checked against each other before anything is opened for
 * writing: a file lkvm-sev writes (an output, the variable store, a
 * writable disk) may not be any other file it is given, by device and
 * inode, not by name, so that `--serial-log X --firmware X` cannot
 * truncate the firmware it is about to map.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "devices/virtio_blk.h"

#define CLI_MAX_FILES (16 + MACHINE_MAX_DEVICES)

struct cli_named_file {
	const char *opt;
	const char *path;
	bool written;
	bool disk;		/* disks lock themselves against each other (OFD locks) */
	bool known;		/* @dev, @ino (of the file, or of its folder for a new one) */
	bool is_new;		/* not there yet: its folder and name identify it */
	dev_t dev;
	ino_t ino;
	const char *name;
};

/* What identifies @f, where it can be known; devices and FIFOs are nobody's to destroy. */
static void cli_identify(struct cli_named_file *f)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!stat(f->path, &st)) {
		f->known = S_ISREG(st.st_mode);
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		return;
	}
	if (errno != ENOENT || strlen(f->path) >= sizeof(dir))
		return;
	strcpy(dir, f->path);
	if (stat(dirname(dir), &st))
		return;
	f->known = f->is_new = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
}

static bool cli_same_file(const struct cli_named_file *a, const struct cli_named_file *b)
{
	return a->known && b->known && a->is_new == b->is_new && a->dev == b->dev &&
	       a->ino == b->ino && (!a->is_new || !strcmp(a->name, b->name));
}

static void cli_add_file(struct cli_named_file *f, unsigned int *n, const char *opt,
			 const char *path, bool written)
{
	if (!path)
		return;
	f[*n] = (struct cli_named_file){ .opt = opt, .path = path, .written = written };
	cli_identify(&f[(*n)++]);
}

int cli_check_files(const struct machine_cfg *cfg, struct lk_err *err)
{
	struct cli_named_file f[CLI_MAX_FILES];
	unsigned int n = 0, i, j;

	cli_add_file(f, &n, cfg->fw_as_ram ? "--bios" : "--firmware", cfg->firmware, false);
	cli_add_file(f, &n, "-k", cfg->kernel, false);
	cli_add_file(f, &n, "-i", cfg->initrd, false);
	cli_add_file(f, &n, "--vars", cfg->vars, true);
	cli_add_file(f, &n, "--snp-certs", cfg->sev.snp_certs, false);
	for (i = 0; i < cfg->nr_devices; i++)
		if (cfg->devices[i].type == &virtio_blk_type) {
			const struct virtio_blk_opts *o = cfg->devices[i].opts;

			cli_add_file(f, &n, o->opt, o->path, !o->ro);
			f[n - 1].disk = true;
		}
	cli_add_file(f, &n, "--serial-log", cfg->serial_log, true);
	cli_add_file(f, &n, "--report", cfg->report, true);
	cli_add_file(f, &n, "--trace", cfg->trace, true);
	cli_add_file(f, &n, "--debugcon", cfg->debugcon, true);
	cli_add_file(f, &n, "--dump-dtb", cfg->dump_dtb, true);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if ((f[i].written || f[j].written) && !(f[i].disk && f[j].disk) &&
			    cli_same_file(&f[i], &f[j]))
				return err_set(err, LK_EXIT_USAGE, "%s %s: the same file as %s %s, "
					       "which lkvm-sev would overwrite", f[j].opt,
					       f[j].path, f[i].opt, f[i].path);
	return 0;
}
