#pragma once

#include "observe/TrafficFilter.h"

#include <QSortFilterProxyModel>

namespace portico {

// The rows of a TrafficTableModel that a TrafficFilter matches, in capture order (no sorting:
// a live list keeps its order, and new rows go to the end without a search for their place).
class TrafficFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TrafficFilterProxy(QObject *parent = nullptr);

    void setFilter(const TrafficFilter &filter);
    const TrafficFilter &filter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    TrafficFilter m_filter;
};

} // namespace portico
