#include "PlansPage.h"

#include "views/PageHeader.h"

#include <QVBoxLayout>

namespace portico {

PlansPage::PlansPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Plans"), QString()));
    layout->addStretch(1);
}

} // namespace portico
