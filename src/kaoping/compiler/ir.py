"""The IR: one frozen attrs class per construct of the language.

The span of a node is kept out of equality, so two files that say the same thing (one in
English keywords, one in Chinese) compile to equal IR. `__str__` prints the construct as the
English keyword set writes it; the IR is what `check`, `emit` and any later backend read.

The nodes live in four modules by kind (`ir_expr`: expressions, `ir_decls`: declarations,
`ir_rules`: scoring statements and item clauses, `ir_grading`: grading, consequences and the
whole `Module`); this module gathers them so the compiler reads every node as `ir.Name`.
"""

from __future__ import annotations

from kaoping.compiler.ir_decls import (
    ConstantDecl as ConstantDecl,
)
from kaoping.compiler.ir_decls import (
    CountType as CountType,
)
from kaoping.compiler.ir_decls import (
    EnumDecl as EnumDecl,
)
from kaoping.compiler.ir_decls import (
    EnumType as EnumType,
)
from kaoping.compiler.ir_decls import (
    FieldDecl as FieldDecl,
)
from kaoping.compiler.ir_decls import (
    GroupDecl as GroupDecl,
)
from kaoping.compiler.ir_decls import (
    InputDecl as InputDecl,
)
from kaoping.compiler.ir_decls import (
    ListType as ListType,
)
from kaoping.compiler.ir_decls import (
    NumberType as NumberType,
)
from kaoping.compiler.ir_decls import (
    RecordDecl as RecordDecl,
)
from kaoping.compiler.ir_decls import (
    Rounding as Rounding,
)
from kaoping.compiler.ir_decls import (
    TableDecl as TableDecl,
)
from kaoping.compiler.ir_decls import (
    TableRow as TableRow,
)
from kaoping.compiler.ir_decls import (
    TextType as TextType,
)
from kaoping.compiler.ir_decls import (
    TypeRef as TypeRef,
)
from kaoping.compiler.ir_decls import (
    UnitsDecl as UnitsDecl,
)
from kaoping.compiler.ir_decls import (
    YesNoType as YesNoType,
)
from kaoping.compiler.ir_expr import (
    Aggregate as Aggregate,
)
from kaoping.compiler.ir_expr import (
    Band as Band,
)
from kaoping.compiler.ir_expr import (
    BandRow as BandRow,
)
from kaoping.compiler.ir_expr import (
    Best as Best,
)
from kaoping.compiler.ir_expr import (
    BinOp as BinOp,
)
from kaoping.compiler.ir_expr import (
    Bool as Bool,
)
from kaoping.compiler.ir_expr import (
    Call as Call,
)
from kaoping.compiler.ir_expr import (
    Compare as Compare,
)
from kaoping.compiler.ir_expr import (
    Default as Default,
)
from kaoping.compiler.ir_expr import (
    Distribute as Distribute,
)
from kaoping.compiler.ir_expr import (
    Drop as Drop,
)
from kaoping.compiler.ir_expr import (
    Expr as Expr,
)
from kaoping.compiler.ir_expr import (
    GroupCount as GroupCount,
)
from kaoping.compiler.ir_expr import (
    GroupLowest as GroupLowest,
)
from kaoping.compiler.ir_expr import (
    GroupMean as GroupMean,
)
from kaoping.compiler.ir_expr import (
    GroupRef as GroupRef,
)
from kaoping.compiler.ir_expr import (
    IfExpr as IfExpr,
)
from kaoping.compiler.ir_expr import (
    Keyed as Keyed,
)
from kaoping.compiler.ir_expr import (
    KeyRow as KeyRow,
)
from kaoping.compiler.ir_expr import (
    LastYear as LastYear,
)
from kaoping.compiler.ir_expr import (
    Logic as Logic,
)
from kaoping.compiler.ir_expr import (
    Lookup as Lookup,
)
from kaoping.compiler.ir_expr import (
    MaxRef as MaxRef,
)
from kaoping.compiler.ir_expr import (
    Member as Member,
)
from kaoping.compiler.ir_expr import (
    Neg as Neg,
)
from kaoping.compiler.ir_expr import (
    Not as Not,
)
from kaoping.compiler.ir_expr import (
    Num as Num,
)
from kaoping.compiler.ir_expr import (
    Rank as Rank,
)
from kaoping.compiler.ir_expr import (
    Ref as Ref,
)
from kaoping.compiler.ir_expr import (
    RoundMode as RoundMode,
)
from kaoping.compiler.ir_expr import (
    Share as Share,
)
from kaoping.compiler.ir_expr import (
    TotalRef as TotalRef,
)
from kaoping.compiler.ir_expr import (
    Weighted as Weighted,
)
from kaoping.compiler.ir_expr import (
    WeightPart as WeightPart,
)
from kaoping.compiler.ir_grading import (
    Bar as Bar,
)
from kaoping.compiler.ir_grading import (
    Consequences as Consequences,
)
from kaoping.compiler.ir_grading import (
    GradeIf as GradeIf,
)
from kaoping.compiler.ir_grading import (
    GradeRule as GradeRule,
)
from kaoping.compiler.ir_grading import (
    Grading as Grading,
)
from kaoping.compiler.ir_grading import (
    Module as Module,
)
from kaoping.compiler.ir_grading import (
    Otherwise as Otherwise,
)
from kaoping.compiler.ir_grading import (
    Override as Override,
)
from kaoping.compiler.ir_grading import (
    Quota as Quota,
)
from kaoping.compiler.ir_rules import (
    Across as Across,
)
from kaoping.compiler.ir_rules import (
    Add as Add,
)
from kaoping.compiler.ir_rules import (
    Cap as Cap,
)
from kaoping.compiler.ir_rules import (
    Clause as Clause,
)
from kaoping.compiler.ir_rules import (
    Flag as Flag,
)
from kaoping.compiler.ir_rules import (
    Floor as Floor,
)
from kaoping.compiler.ir_rules import (
    Item as Item,
)
from kaoping.compiler.ir_rules import (
    Let as Let,
)
from kaoping.compiler.ir_rules import (
    NotApplicable as NotApplicable,
)
from kaoping.compiler.ir_rules import (
    Output as Output,
)
from kaoping.compiler.ir_rules import (
    Require as Require,
)
from kaoping.compiler.ir_rules import (
    Requirement as Requirement,
)
from kaoping.compiler.ir_rules import (
    RequireRecords as RequireRecords,
)
from kaoping.compiler.ir_rules import (
    Rescale as Rescale,
)
from kaoping.compiler.ir_rules import (
    RoundClause as RoundClause,
)
from kaoping.compiler.ir_rules import (
    Scoring as Scoring,
)
from kaoping.compiler.ir_rules import (
    Section as Section,
)
from kaoping.compiler.ir_rules import (
    Sheet as Sheet,
)
from kaoping.compiler.ir_rules import (
    Start as Start,
)
from kaoping.compiler.ir_rules import (
    Statement as Statement,
)
from kaoping.compiler.ir_rules import (
    TakeHighest as TakeHighest,
)
from kaoping.compiler.ir_rules import (
    TakeMean as TakeMean,
)
from kaoping.compiler.ir_rules import (
    Total as Total,
)
from kaoping.compiler.ir_rules import (
    Uncapped as Uncapped,
)
from kaoping.compiler.ir_rules import (
    ZeroIf as ZeroIf,
)
from kaoping.compiler.walk import chain_links as chain_links
from kaoping.compiler.walk import continues_run as continues_run
