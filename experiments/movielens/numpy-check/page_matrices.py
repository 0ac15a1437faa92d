"""The binary user-item matrix and the rating-page rows shared by the numpy prototypes (not part of CI)."""
import numpy as np


def page_matrices(users, items, stamps, fit_rows, user_index, item_index):
    """X (users x items, 1 where the user rated the item in `fit_rows`) and XP (one row per rating page:
    the items a user rated in the same second, pages of two or more items only)."""
    X = np.zeros((len(user_index), len(item_index)))
    for r in fit_rows:
        X[user_index[users[r]], item_index[items[r]]] = 1
    pages = {}
    for r in fit_rows:
        pages.setdefault((users[r], stamps[r]), []).append(item_index[items[r]])
    page_rows = [page for page in pages.values() if len(page) > 1]
    XP = np.zeros((len(page_rows), len(item_index)))
    for row, page in enumerate(page_rows):
        XP[row, page] = 1
    return X, XP
