// SPDX-License-Identifier: GPL-2.0-only
/*
 * The byte buffer of the ACPI blobs, and the AML terms and resource
 * descriptors the DSDT is written with (aml.h): only those it uses.
 */
#include <stdlib.h>
#include <string.h>

#include "machine/aml.h"

size_t aml_buf_zero(struct aml_buf *b, size_t n)
{
	size_t at = b->len, cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (b->oom || !n)
		return at;
	if (b->cap - b->len < n) {
		while (cap - b->len < n)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->oom = true;
			return at;
		}
		b->data = p;
		b->cap = cap;
	}
	memset(b->data + at, 0, n);
	b->len += n;
	return at;
}

void aml_buf_set(struct aml_buf *b, size_t at, uint64_t v, unsigned int size)
{
	unsigned int i;

	if (b->oom || at > b->len || size > b->len - at)
		return;
	for (i = 0; i < size; i++)
		b->data[at + i] = (uint8_t)(v >> (8 * i));
}

void aml_buf_put(struct aml_buf *b, uint64_t v, unsigned int size)
{
	aml_buf_set(b, aml_buf_zero(b, size), v, size);
}

void aml_buf_put_bytes(struct aml_buf *b, const void *p, size_t n)
{
	size_t at = aml_buf_zero(b, n);

	if (!b->oom && n)
		memcpy(b->data + at, p, n);
}

void aml_buf_align(struct aml_buf *b, size_t align)
{
	aml_buf_zero(b, (align - b->len % align) % align);
}

static void aml_buf_insert(struct aml_buf *b, size_t at, const uint8_t *p, size_t n)
{
	size_t tail;

	if (b->oom || at > b->len)
		return;
	tail = b->len - at;
	aml_buf_zero(b, n);
	if (b->oom)
		return;
	memmove(b->data + at + n, b->data + at, tail);
	memcpy(b->data + at, p, n);
}

/* ---- AML (ACPI 6.5 chapter 20) ---- */

#define AML_NAME_OP		0x08
#define AML_DUAL_NAME_PREFIX	0x2e
#define AML_MULTI_NAME_PREFIX	0x2f
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_PACKAGE_OP		0x12
#define AML_METHOD_OP		0x14
#define AML_EXT_OP_PREFIX	0x5b
#define AML_OP_REGION_OP	0x80	/* after AML_EXT_OP_PREFIX */
#define AML_FIELD_OP		0x81	/* after AML_EXT_OP_PREFIX */
#define AML_DEVICE_OP		0x82	/* after AML_EXT_OP_PREFIX */
#define AML_IF_OP		0xa0
#define AML_ROOT_CHAR		'\\'
#define AML_METHOD_SERIALIZED	0x08

/*
 * PkgLength: the length of what follows, counting its own 1 to 4 bytes.
 * One byte holds up to 63; longer ones put the byte count in bits 7:6 of
 * the first byte, the low nibble in bits 3:0 and the rest in the next bytes.
 */
static unsigned int aml_pkglen(size_t content, uint8_t out[4])
{
	unsigned int n = 2, i;
	size_t total;

	if (content + 1 <= 0x3f) {
		out[0] = (uint8_t)(content + 1);
		return 1;
	}
	while (n < 4 && content + n >= (size_t)1 << (4 + 8 * (n - 1)))
		n++;
	total = content + n;
	out[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
	for (i = 1; i < n; i++)
		out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	return n;
}

/* Opens a term with a PkgLength after opcode @op; returns where its contents start. */
static size_t aml_open(struct aml_buf *b, const uint8_t *op, size_t op_len)
{
	aml_buf_put_bytes(b, op, op_len);
	return b->len;
}

/* The length is known now, and goes in front of the contents. */
void aml_close(struct aml_buf *b, size_t start)
{
	uint8_t enc[4];
	unsigned int n = aml_pkglen(b->len - start, enc);

	aml_buf_insert(b, start, enc, n);
}

void aml_op(struct aml_buf *b, uint8_t op)
{
	aml_buf_put(b, op, 1);
}

/* One NameSeg as it is, two after DualNamePrefix, more after MultiNamePrefix and a count. */
void aml_name(struct aml_buf *b, const char *path)
{
	unsigned int segs = 1, i;
	const char *p;

	if (*path == AML_ROOT_CHAR)
		aml_buf_put(b, *path++, 1);
	for (p = path; *p; p++)
		segs += *p == '.';
	if (segs == 2) {
		aml_buf_put(b, AML_DUAL_NAME_PREFIX, 1);
	} else if (segs > 2) {
		aml_buf_put(b, AML_MULTI_NAME_PREFIX, 1);
		aml_buf_put(b, segs, 1);
	}
	for (i = 0; i < segs; i++)
		aml_buf_put_bytes(b, path + 5 * i, 4);
}

void aml_int(struct aml_buf *b, uint64_t v)
{
	if (v <= 1) {
		aml_buf_put(b, v, 1);
	} else if (v <= 0xff) {
		aml_buf_put(b, AML_BYTE_PREFIX, 1);
		aml_buf_put(b, v, 1);
	} else if (v <= 0xffff) {
		aml_buf_put(b, AML_WORD_PREFIX, 1);
		aml_buf_put(b, v, 2);
	} else if (v <= 0xffffffff) {
		aml_buf_put(b, AML_DWORD_PREFIX, 1);
		aml_buf_put(b, v, 4);
	} else {
		aml_buf_put(b, AML_QWORD_PREFIX, 1);
		aml_buf_put(b, v, 8);
	}
}

size_t aml_scope(struct aml_buf *b, const char *name)
{
	static const uint8_t op[] = { AML_SCOPE_OP };
	size_t start = aml_open(b, op, sizeof(op));

	aml_name(b, name);
	return start;
}

size_t aml_device(struct aml_buf *b, const char *name)
{
	static const uint8_t op[] = { AML_EXT_OP_PREFIX, AML_DEVICE_OP };
	size_t start = aml_open(b, op, sizeof(op));

	aml_name(b, name);
	return start;
}

size_t aml_method(struct aml_buf *b, const char *name, unsigned int nargs, bool serialized)
{
	static const uint8_t op[] = { AML_METHOD_OP };
	size_t start = aml_open(b, op, sizeof(op));

	aml_name(b, name);
	aml_buf_put(b, (nargs & 7) | (serialized ? AML_METHOD_SERIALIZED : 0), 1);
	return start;
}

size_t aml_if(struct aml_buf *b)
{
	static const uint8_t op[] = { AML_IF_OP };

	return aml_open(b, op, sizeof(op));
}

size_t aml_package(struct aml_buf *b, uint8_t n)
{
	static const uint8_t op[] = { AML_PACKAGE_OP };
	size_t start = aml_open(b, op, sizeof(op));

	aml_buf_put(b, n, 1);
	return start;
}

void aml_name_obj(struct aml_buf *b, const char *name)
{
	aml_buf_put(b, AML_NAME_OP, 1);
	aml_name(b, name);
}

void aml_name_int(struct aml_buf *b, const char *name, uint64_t v)
{
	aml_name_obj(b, name);
	aml_int(b, v);
}

/*
 * EISAID("PNP0A03"): three letters of 5 bits each and four hex digits,
 * both halves big-endian, always a DWordConst (so 0x030ad041 here).
 */
void aml_name_eisaid(struct aml_buf *b, const char *name, const char *id)
{
	uint16_t vendor = (uint16_t)((id[0] - '@') << 10 | (id[1] - '@') << 5 | (id[2] - '@'));
	uint16_t product = (uint16_t)strtoul(id + 3, NULL, 16);

	aml_buf_put(b, AML_NAME_OP, 1);
	aml_name(b, name);
	aml_buf_put(b, AML_DWORD_PREFIX, 1);
	aml_buf_put(b, vendor >> 8, 1);
	aml_buf_put(b, vendor & 0xff, 1);
	aml_buf_put(b, product >> 8, 1);
	aml_buf_put(b, product & 0xff, 1);
}

void aml_name_package(struct aml_buf *b, const char *name, const uint64_t *v, uint8_t n)
{
	size_t start;
	unsigned int i;

	aml_name_obj(b, name);
	start = aml_package(b, n);
	for (i = 0; i < n; i++)
		aml_int(b, v[i]);
	aml_close(b, start);
}

void aml_name_buffer(struct aml_buf *b, const char *name, const struct aml_buf *bytes)
{
	static const uint8_t op[] = { AML_BUFFER_OP };
	size_t start;

	b->oom |= bytes->oom;
	aml_name_obj(b, name);
	start = aml_open(b, op, sizeof(op));
	aml_int(b, bytes->len);
	aml_buf_put_bytes(b, bytes->data, bytes->len);
	aml_close(b, start);
}

void aml_op_region(struct aml_buf *b, const char *name, uint8_t space, uint64_t offset,
		   uint64_t len)
{
	aml_buf_put(b, AML_EXT_OP_PREFIX, 1);
	aml_buf_put(b, AML_OP_REGION_OP, 1);
	aml_name(b, name);
	aml_buf_put(b, space, 1);
	aml_int(b, offset);
	aml_int(b, len);
}

/* A NamedField is a NameSeg and its width in bits, in PkgLength form: one byte below 64. */
void aml_field(struct aml_buf *b, const char *region, uint8_t flags, const char *const *names,
	       unsigned int n, unsigned int bits)
{
	static const uint8_t op[] = { AML_EXT_OP_PREFIX, AML_FIELD_OP };
	size_t start = aml_open(b, op, sizeof(op));
	unsigned int i;

	aml_name(b, region);
	aml_buf_put(b, flags, 1);
	for (i = 0; i < n; i++) {
		aml_buf_put_bytes(b, names[i], 4);
		aml_buf_put(b, bits & 0x3f, 1);
	}
	aml_close(b, start);
}

/* ---- Resource descriptors (ACPI 6.5 section 6.4) ---- */

#define RES_IO			0x47	/* small: I/O port, 8 bytes */
#define RES_IRQ_NO_FLAGS	0x22	/* small: IRQ mask, no information byte */
#define RES_END			0x79
#define RES_DWORD_SPACE		0x87	/* large: DWord address space */
#define RES_WORD_SPACE		0x88	/* large: Word address space */
#define RES_EXT_IRQ		0x89	/* large: Extended Interrupt */
#define RES_QWORD_SPACE		0x8a	/* large: QWord address space */
/* General flags: a range the bridge produces (bit 0 clear), positive decode, fixed ends. */
#define RES_MIN_MAX_FIXED	0x0c
#define RES_MEM_RW		0x01	/* read-write, non-cacheable: QEMU's 32-bit window */
#define RES_MEM_RW_CACHEABLE	0x03	/* read-write, cacheable: QEMU's 64-bit window */
/* Extended Interrupt flags: consumer (bit 0), level (bit 1 clear), high (bit 2 clear), shared. */
#define RES_IRQ_LEVEL_SHARED	0x09

/*
 * Word, DWord and QWord address space descriptors (ACPI 6.5 6.4.3.5.1-3)
 * differ only in their code and the width of their five numbers.
 */
static void aml_res_space(struct aml_buf *r, uint8_t code, unsigned int width, uint8_t type,
			  uint8_t type_flags, uint64_t min, uint64_t max)
{
	aml_buf_put(r, code, 1);
	aml_buf_put(r, 3 + 5 * width, 2);		/* length after this field */
	aml_buf_put(r, type, 1);
	aml_buf_put(r, RES_MIN_MAX_FIXED, 1);
	aml_buf_put(r, type_flags, 1);
	aml_buf_put(r, 0, width);			/* granularity */
	aml_buf_put(r, min, width);
	aml_buf_put(r, max, width);
	aml_buf_put(r, 0, width);			/* translation offset */
	aml_buf_put(r, max - min + 1, width);
}

void aml_res_word(struct aml_buf *r, uint8_t type, uint8_t type_flags, uint16_t min,
		  uint16_t max)
{
	aml_res_space(r, RES_WORD_SPACE, 2, type, type_flags, min, max);
}

void aml_res_dword_memory(struct aml_buf *r, uint32_t min, uint32_t max)
{
	aml_res_space(r, RES_DWORD_SPACE, 4, AML_RES_TYPE_MEMORY, RES_MEM_RW, min, max);
}

void aml_res_qword_memory(struct aml_buf *r, uint64_t min, uint64_t max)
{
	aml_res_space(r, RES_QWORD_SPACE, 8, AML_RES_TYPE_MEMORY, RES_MEM_RW_CACHEABLE, min,
		      max);
}

void aml_res_io(struct aml_buf *r, uint16_t base, uint8_t len)
{
	aml_buf_put(r, RES_IO, 1);
	aml_buf_put(r, 0x01, 1);			/* decodes 16 address bits */
	aml_buf_put(r, base, 2);
	aml_buf_put(r, base, 2);
	aml_buf_put(r, 1, 1);
	aml_buf_put(r, len, 1);
}

void aml_res_irq(struct aml_buf *r, uint8_t irq)
{
	aml_buf_put(r, RES_IRQ_NO_FLAGS, 1);
	aml_buf_put(r, 1u << irq, 2);
}

void aml_res_interrupt_level_shared(struct aml_buf *r, const uint8_t *irqs, unsigned int n)
{
	unsigned int i;

	aml_buf_put(r, RES_EXT_IRQ, 1);
	aml_buf_put(r, 2 + 4 * n, 2);			/* no resource source after the list */
	aml_buf_put(r, RES_IRQ_LEVEL_SHARED, 1);
	aml_buf_put(r, n, 1);
	for (i = 0; i < n; i++)
		aml_buf_put(r, irqs[i], 4);
}

void aml_name_resources(struct aml_buf *b, const char *name, struct aml_buf *r)
{
	aml_buf_put(r, RES_END, 1);
	aml_buf_put(r, 0, 1);
	aml_name_buffer(b, name, r);
	free(r->data);
	*r = (struct aml_buf){ 0 };
}
