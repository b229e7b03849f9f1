/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A growing little-endian byte buffer for ACPI blobs, and what the DSDT is
 * written with into it: AML terms (ACPI 6.5 chapter 20) and resource
 * descriptors (section 6.4). Pure code: no KVM, no I/O.
 *
 * Terms are written in prefix order, as AML encodes them: an operator's
 * opcode, then its operands one after the other. Terms with a PkgLength
 * (Scope, Device, Method, If, Package, Field) are opened, filled, then
 * closed; the length goes in front of the contents when it is known.
 *
 * An allocation failure is remembered in the buffer (later writes do
 * nothing) and reported once by whoever finishes the blob.
 */
#ifndef LKVM_MACHINE_AML_H
#define LKVM_MACHINE_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool oom;
};

/* Appends @n zero bytes and returns their offset. */
size_t aml_buf_zero(struct aml_buf *b, size_t n);
/* Stores @v little-endian in @size bytes at @at, inside what is already there. */
void aml_buf_set(struct aml_buf *b, size_t at, uint64_t v, unsigned int size);
/* Appends @v little-endian in @size bytes. */
void aml_buf_put(struct aml_buf *b, uint64_t v, unsigned int size);
void aml_buf_put_bytes(struct aml_buf *b, const void *p, size_t n);
/* Pads with zeros to a multiple of @align. */
void aml_buf_align(struct aml_buf *b, size_t align);

/* ---- AML terms ---- */

/* One-byte opcodes, for aml_op() */
#define AML_ARG0_OP		0x68
#define AML_STORE_OP		0x70	/* Store (Source, Target) */
#define AML_AND_OP		0x7b	/* And (Operand, Operand, Target) */
#define AML_OR_OP		0x7d	/* Or (Operand, Operand, Target) */
#define AML_CREATE_DWORD_FIELD_OP 0x8a	/* CreateDWordField (Buffer, ByteIndex, Name) */
#define AML_LLESS_OP		0x95	/* LLess (Operand, Operand) */
#define AML_RETURN_OP		0xa4	/* Return (Object) */
#define AML_NULL_NAME		0x00	/* a Target that stores nowhere */

/* Closes a term opened by one of the functions returning its start. */
void aml_close(struct aml_buf *b, size_t start);
void aml_op(struct aml_buf *b, uint8_t op);
/*
 * A NameString: 4-character NameSegs ("ISA_", padded) joined by dots,
 * '\' in front for the root: \_SB_.PCI0.ISA_.P40C (in C, "\\_SB_.PCI0...").
 */
void aml_name(struct aml_buf *b, const char *path);
/* The shortest encoding: ZeroOp, OneOp, or a prefixed byte, word, dword or qword. */
void aml_int(struct aml_buf *b, uint64_t v);

size_t aml_scope(struct aml_buf *b, const char *name);
size_t aml_device(struct aml_buf *b, const char *name);
/* Method (@name, @nargs, Serialized or NotSerialized): the body follows. */
size_t aml_method(struct aml_buf *b, const char *name, unsigned int nargs, bool serialized);
/* If (predicate): the predicate follows, then the body. */
size_t aml_if(struct aml_buf *b);
/* Package (@n): its @n elements follow. */
size_t aml_package(struct aml_buf *b, uint8_t n);

/* Name (@name, object): the object follows. */
void aml_name_obj(struct aml_buf *b, const char *name);

void aml_name_int(struct aml_buf *b, const char *name, uint64_t v);
/* Name (@name, EISAID ("PNP0A03")) */
void aml_name_eisaid(struct aml_buf *b, const char *name, const char *id);
void aml_name_package(struct aml_buf *b, const char *name, const uint64_t *v, uint8_t n);
void aml_name_buffer(struct aml_buf *b, const char *name, const struct aml_buf *bytes);

#define AML_REGION_PCI_CONFIG	0x02
/* OperationRegion (@name, @space, @offset, @len) */
void aml_op_region(struct aml_buf *b, const char *name, uint8_t space, uint64_t offset,
		   uint64_t len);
#define AML_FIELD_BYTE_ACC	0x01	/* ByteAcc, NoLock, Preserve */
/* Field (@region, @flags) { @names[0], @bits, ... }: @n fields of @bits (1 to 63) each. */
void aml_field(struct aml_buf *b, const char *region, uint8_t flags, const char *const *names,
	       unsigned int n, unsigned int bits);

/* ---- Resource descriptors, built in a buffer of their own ---- */

#define AML_RES_TYPE_MEMORY	0
#define AML_RES_TYPE_IO		1
#define AML_RES_TYPE_BUS	2
#define AML_RES_IO_ENTIRE_RANGE	0x03	/* ISA and non-ISA ports */

/* A range the bridge produces, min and max fixed: WordBusNumber, WordIO. */
void aml_res_word(struct aml_buf *r, uint8_t type, uint8_t type_flags, uint16_t min,
		  uint16_t max);
/* DWordMemory (ResourceProducer, ..., NonCacheable, ReadWrite) */
void aml_res_dword_memory(struct aml_buf *r, uint32_t min, uint32_t max);
/* QWordMemory (ResourceProducer, ..., Cacheable, ReadWrite) */
void aml_res_qword_memory(struct aml_buf *r, uint64_t min, uint64_t max);
/* IO (Decode16, @base, @base, 1, @len): a fixed range the device consumes. */
void aml_res_io(struct aml_buf *r, uint16_t base, uint8_t len);
/* IRQNoFlags () {@irq} */
void aml_res_irq(struct aml_buf *r, uint8_t irq);
/* Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) {@irqs[0], ...} */
void aml_res_interrupt_level_shared(struct aml_buf *r, const uint8_t *irqs, unsigned int n);
/*
 * Ends the template in @r and writes Name (@name, Buffer) in @b; frees
 * @r. The end tag's checksum 0 means "none" to the OS.
 */
void aml_name_resources(struct aml_buf *b, const char *name, struct aml_buf *r);

#endif
