#include "RowTable.h"

#include <QHeaderView>
#include <QTableView>

namespace portico {

void setUpRowTable(QTableView *view, QAbstractItemView::SelectionMode mode)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(mode);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
}

} // namespace portico
