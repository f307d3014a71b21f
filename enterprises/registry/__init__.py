"""The market regulator's registry export: its layout (:mod:`.columns`), reading (:mod:`.reading`), column-wise
cleaning (:mod:`.cleaning`), validation (:mod:`.validation`) and the error report (:mod:`.report`).
Pure pandas, no ORM: :mod:`enterprises.services` writes what validation accepts."""
