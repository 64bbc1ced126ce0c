/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_KQL_BUILD_ASAN_COMPILER_PARSER_H_INCLUDED
# define YY_KQL_BUILD_ASAN_COMPILER_PARSER_H_INCLUDED
/* Debug traces.  */
#ifndef KQL_DEBUG
# if defined YYDEBUG
#if YYDEBUG
#   define KQL_DEBUG 1
#  else
#   define KQL_DEBUG 0
#  endif
# else /* ! defined YYDEBUG */
#  define KQL_DEBUG 0
# endif /* ! defined YYDEBUG */
#endif  /* ! defined KQL_DEBUG */
#if KQL_DEBUG
extern int kql_debug;
#endif
/* "%code requires" blocks.  */
#line 20 "compiler/parser.y"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "span.h"
#include "text.h"

/*
 * LIMIT(nesting): a query may nest '(' and '{' at most PARSE_MAX_DEPTH
 * deep, because the parser's stack and every phase that walks the tree
 * recursively need a bound; Kibana has none.  A deeper query gets the
 * error 'query nests deeper than 256 levels' at the '(' or '{' that goes
 * past the limit, never a stack overflow.
 */
#define PARSE_MAX_DEPTH 256

/*
 * What one parse shares between the scanner (its extra data) and the
 * parser.  The scanner reads 'buf', a copy of 'src' followed by the two
 * NUL bytes flex wants, and writes into it while it scans (flex ends each
 * match with a NUL for a while): helpers read 'src' instead.
 * 'text' collects the literal being scanned, which starts at 'lit_start'.
 * The first error is kept in 'failed', 'err_span' and 'err_msg' (arena).
 */
struct parse_ctx {
    struct arena *arena;
    const char *src;
    char *buf;
    size_t len;
    struct text_builder text;
    uint32_t lit_start;
    unsigned depth;
    struct ast_node *root;
    bool failed;
    struct span err_span;
    const char *err_msg;
};

/* Record the first error of the parse. */
void parse_fail(struct parse_ctx *ctx, struct span span, const char *msg);

#define YYLLOC_DEFAULT(cur, rhs, n)                                      \
    do {                                                                 \
        if (n) {                                                         \
            (cur).start = YYRHSLOC(rhs, 1).start;                        \
            (cur).end = YYRHSLOC(rhs, n).end;                            \
        } else {                                                         \
            (cur).start = (cur).end = YYRHSLOC(rhs, 0).end;              \
        }                                                                \
    } while (0)

#line 112 "build-asan/compiler/parser.h"

/* Token kinds.  */
#ifndef KQL_TOKENTYPE
# define KQL_TOKENTYPE
  enum kql_tokentype
  {
    TOK_KQL_EMPTY = -2,
    TOK_END = 0,                   /* "end of query"  */
    TOK_KQL_error = 256,           /* error  */
    TOK_KQL_UNDEF = 257,           /* "invalid token"  */
    TOK_OR = 258,                  /* "'or'"  */
    TOK_AND = 259,                 /* "'and'"  */
    TOK_NOT = 260,                 /* "'not'"  */
    TOK_LPAREN = 261,              /* "'('"  */
    TOK_RPAREN = 262,              /* "')'"  */
    TOK_LBRACE = 263,              /* "'{'"  */
    TOK_RBRACE = 264,              /* "'}'"  */
    TOK_COLON = 265,               /* "':'"  */
    TOK_LT = 266,                  /* "'<'"  */
    TOK_LTE = 267,                 /* "'<='"  */
    TOK_GT = 268,                  /* "'>'"  */
    TOK_GTE = 269,                 /* "'>='"  */
    TOK_LITERAL = 270              /* "a value"  */
  };
  typedef enum kql_tokentype kql_token_kind_t;
#endif

/* Value type.  */
#if ! defined KQL_STYPE && ! defined KQL_STYPE_IS_DECLARED
union KQL_STYPE
{
#line 97 "compiler/parser.y"

    struct ast_literal *lit;
    struct ast_node *node;
    struct ptrvec *chain;
    enum ast_range_op op;

#line 151 "build-asan/compiler/parser.h"

};
typedef union KQL_STYPE KQL_STYPE;
# define KQL_STYPE_IS_TRIVIAL 1
# define KQL_STYPE_IS_DECLARED 1
#endif

/* Location type.  */
typedef struct span KQL_LTYPE;




int kql_parse (void *scanner, struct parse_ctx *ctx);


#endif /* !YY_KQL_BUILD_ASAN_COMPILER_PARSER_H_INCLUDED  */
