// SPDX-License-Identifier: GPL-2.0-only
/* Module parameters and the KVM modules loaded, read from sysfs. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe/modparams.h"

/* A sysfs value without its newline; false if the file cannot be read. */
static bool modparams_value(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* "kvm_*" modules other than @module: which KVM this host has instead. */
static void modparams_others(struct modparams *mp, const char *sys_module, const char *module)
{
	DIR *d = opendir(sys_module);
	struct dirent *e;
	size_t len = 0;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "kvm_", 4) || !strcmp(e->d_name, module))
			continue;
		if (len + strlen(e->d_name) + 2 > sizeof(mp->others))
			break;
		len += (size_t)snprintf(mp->others + len, sizeof(mp->others) - len, "%s%s",
					len ? " " : "", e->d_name);
	}
	closedir(d);
}

void modparams_read(struct modparams *mp, const char *sys_module, const char *module,
		    const char *const *names)
{
	char path[512];
	unsigned int i;

	memset(mp, 0, sizeof(*mp));
	modparams_others(mp, sys_module, module);
	snprintf(path, sizeof(path), "%s/%s/parameters", sys_module, module);
	mp->loaded = access(path, F_OK) == 0;
	for (i = 0; mp->loaded && names[i] && mp->n < MODPARAMS_MAX; i++) {
		struct modparam *p = &mp->p[mp->n];

		snprintf(path, sizeof(path), "%s/%s/parameters/%s", sys_module, module, names[i]);
		if (!modparams_value(path, p->value, sizeof(p->value)))
			continue;
		p->name = names[i];
		mp->n++;
	}
}
