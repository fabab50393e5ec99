#pragma once

#include <QAbstractItemView>

class QTableView;

namespace portico {

// Sets `view` up like the control room's other tables: whole rows are selected, cells are
// read-only (editors do the editing), rows alternate in colour, keep to one line and have no
// numbers.
void setUpRowTable(QTableView *view,
                   QAbstractItemView::SelectionMode mode = QAbstractItemView::SingleSelection);

} // namespace portico
