"""Code knowledge: adjustment, remark and group codes, the treatment table, and the CSV
files they are read from.

- `adjustments`: Adjustment code knowledge: the one treatment table and the code book, together.
- `book`: The code book: what a remittance code means, for the person reading it.
- `explain`: Explaining codes as a person types them, and the order an adjustment's remark
  codes reach the treatment lookup.
- `csv_files`: Reading the small CSV files of code knowledge: the treatment table and code
  lists.
- `treatment_table`: The treatment table: (group, CARC, optional RARC) → treatment, category,
  next action.
- `treatments`: Treatments and denial categories: the values the treatment table is made of.
"""
