// SPDX-License-Identifier: GPL-2.0-only
/* CMOS RTC and NVRAM. */
#include <string.h>
#include <time.h>

#include "devices/cmos.h"

static void cmos_put16(struct cmos *c, unsigned int reg, uint64_t v)
{
	if (v > 0xffff)
		v = 0xffff;
	c->ram[reg] = (uint8_t)v;
	c->ram[reg + 1] = (uint8_t)(v >> 8);
}

void cmos_init(struct cmos *c, uint64_t ram_below_4g, uint64_t ram_above_4g,
	       unsigned int nr_cpus)
{
	uint64_t ext = ram_below_4g > (1 << 20) ? (ram_below_4g - (1 << 20)) >> 10 : 0;
	uint64_t high = ram_above_4g >> 16;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->ram[CMOS_REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate, UIP clear */
	c->ram[CMOS_REG_B] = CMOS_B_24H;
	c->ram[CMOS_REG_D] = CMOS_D_VRT;
	cmos_put16(c, CMOS_BASE_MEM_LO, 640);
	cmos_put16(c, CMOS_EXT_MEM_LO, ext);
	cmos_put16(c, CMOS_EXT_MEM2_LO, ext);
	if (ram_below_4g > (16 << 20))
		cmos_put16(c, CMOS_MEM_ABOVE_16M_LO, (ram_below_4g - (16 << 20)) >> 16);
	c->ram[CMOS_MEM_ABOVE_4G] = (uint8_t)high;
	c->ram[CMOS_MEM_ABOVE_4G + 1] = (uint8_t)(high >> 8);
	c->ram[CMOS_MEM_ABOVE_4G + 2] = (uint8_t)(high >> 16);
	c->ram[CMOS_NR_CPUS_MINUS_1] = (uint8_t)(nr_cpus - 1);
}

void cmos_destroy(struct cmos *c)
{
	pthread_mutex_destroy(&c->lock);
}

/*
 * Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). Used
 * instead of gmtime_r(), which takes glibc's time zone lock.
 */
static void civil_from_days(int64_t z, int *year, unsigned int *month, unsigned int *day)
{
	int64_t era, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	y = yoe + era * 400;
	doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (*month <= 2));
}

static uint8_t cmos_encode(const struct cmos *c, unsigned int v)
{
	if (c->ram[CMOS_REG_B] & CMOS_B_BINARY)
		return (uint8_t)v;
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

uint8_t cmos_read_reg(struct cmos *c, unsigned int reg, int64_t unix_time)
{
	int64_t days = unix_time >= 0 ? unix_time / 86400 : (unix_time - 86399) / 86400;
	int64_t secs = unix_time - days * 86400;
	unsigned int month, day;
	int year;

	reg &= CMOS_SIZE - 1;
	switch (reg) {
	case 0x00: return cmos_encode(c, (unsigned int)(secs % 60));
	case 0x02: return cmos_encode(c, (unsigned int)(secs / 60 % 60));
	case 0x04: return cmos_encode(c, (unsigned int)(secs / 3600));
	case 0x06: return cmos_encode(c, (unsigned int)((days + 4) % 7 + 7) % 7 + 1);
	case 0x07: case 0x08: case 0x09: case CMOS_CENTURY:
		civil_from_days(days, &year, &month, &day);
		if (reg == 0x07)
			return cmos_encode(c, day);
		if (reg == 0x08)
			return cmos_encode(c, month);
		if (reg == 0x09)
			return cmos_encode(c, (unsigned int)(year % 100));
		return cmos_encode(c, (unsigned int)(year / 100));
	case CMOS_REG_C: {
		uint8_t v = c->ram[CMOS_REG_C];

		c->ram[CMOS_REG_C] = 0;	/* reading C acknowledges the interrupt flags */
		return v;
	}
	default:
		return c->ram[reg];
	}
}

static void cmos_write_reg(struct cmos *c, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case 0x00: case 0x02: case 0x04: case 0x06: case 0x07: case 0x08: case 0x09:
	case CMOS_CENTURY:
		/* The clock follows the host; a guest setting it is ignored. */
		return;
	case CMOS_REG_A:
		c->ram[reg] = v & 0x7f;	/* UIP is read-only */
		return;
	case CMOS_REG_C: case CMOS_REG_D:
		return;
	default:
		c->ram[reg] = v;
	}
}

static void cmos_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		    bool is_write)
{
	struct cmos *c = opaque;
	struct timespec ts;

	pthread_mutex_lock(&c->lock);
	if (offset == 0) {
		/* Bit 7 is the NMI mask: not an index bit. */
		if (is_write)
			c->index = data[0] & 0x7f;
		else
			bus_data_put(data, len, 0xffffffff);
	} else if (is_write) {
		cmos_write_reg(c, c->index, data[0]);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		bus_data_put(data, len, 0xffffffff);
		data[0] = cmos_read_reg(c, c->index, ts.tv_sec);
	}
	pthread_mutex_unlock(&c->lock);
}

int cmos_register(struct cmos *c, struct bus *pio, struct lk_err *err)
{
	return bus_register(pio, CMOS_INDEX_PORT, 2, cmos_io, c, "cmos", err);
}
