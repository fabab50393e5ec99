#include "TrafficFilterProxy.h"

#include "models/TrafficTableModel.h"

namespace portico {

TrafficFilterProxy::TrafficFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void TrafficFilterProxy::setFilter(const TrafficFilter &filter)
{
    m_filter = filter;
    invalidateFilter();
}

bool TrafficFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (m_filter.isEmpty())
        return true;
    // Both sources the page switches between are TrafficTableModels.
    const auto *model = static_cast<const TrafficTableModel *>(sourceModel());
    const CaptureRecord *record = model->rowRecord(sourceRow);
    return record && m_filter.matches(*record);
}

} // namespace portico
