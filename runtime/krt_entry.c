/*
 * krt_entry.c - a detector's main(), in an archive member of its own so
 * that hosts linking libkrt.a for its other parts never pull it in.
 */
#include "krt_run.h"

int
main(int argc, char **argv)
{
    return krt_main(&krt_program, argc, argv);
}
